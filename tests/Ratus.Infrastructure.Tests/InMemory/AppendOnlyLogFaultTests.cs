using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Ratus.Domain.Commits;
using Ratus.Domain.Errors;
using Ratus.Domain.Promises;
using Ratus.Infrastructure.InMemory;
using Ratus.Infrastructure.Tests.Support;
using static Ratus.Infrastructure.Tests.Support.MemDbState;

namespace Ratus.Infrastructure.Tests.InMemory;

/// The append-only log on a disk that fills up or fails: a change that cannot be logged is refused with 503 and leaves
/// nothing behind, readiness follows the log, writes resume by themselves, and what readers see is what a restart
/// recovers.
[TestFixture]
public sealed class AppendOnlyLogFaultTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
    private readonly List<(InMemoryTaskRepository Engine, FaultyAofStorage? Storage)> _open = [];
    private string _directory = null!;

    private string AofPath => Path.Combine(_directory, "ratus.aof");

    [SetUp]
    public void CreateDirectory()
    {
        _directory = Path.Combine(Path.GetTempPath(), $"ratus-aof-fault-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void DeleteDirectory()
    {
        foreach (var (engine, storage) in _open)
        {
            if (storage is not null)
            {
                storage.DiskFull = storage.SyncFails = storage.TruncateFails = false;
            }

            engine.Abandon();
        }

        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public async Task FullDisk_EveryKindOfWrite_AnswersServiceUnavailableAndChangesNothing([Values] AofFsyncMode mode)
    {
        var storage = new FaultyAofStorage();
        var engine = await OpenAsync(mode, storage);
        await engine.InsertTaskAsync(NewTask("a"), None);
        await engine.InsertTaskAsync(NewTask("b"), None);
        var claimed = await engine.InsertPromiseAsync(new Promise("b", "c", Later(1)), None);
        var before = await DumpAsync(engine);

        storage.DiskFull = true;
        storage.PartialBytes = 5;
        using (Assert.EnterMultipleScope())
        {
            Assert.ThrowsAsync<ServiceUnavailableException>(() => Within(engine.InsertTaskAsync(NewTask("c"), None)));
            Assert.ThrowsAsync<ServiceUnavailableException>(() => Within(engine.UpsertTasksAsync([NewTask("a", "other"), NewTask("d")], None)));
            Assert.ThrowsAsync<ServiceUnavailableException>(() => Within(engine.TryPollTaskAsync("topic", new Promise("", "c", Later(1)), None)));
            Assert.ThrowsAsync<ServiceUnavailableException>(() => Within(engine.CommitTaskAsync("b", new Commit { Nonce = claimed.Nonce }, None)));
            Assert.ThrowsAsync<ServiceUnavailableException>(() => Within(engine.DeleteTaskAsync("b", None)));
            Assert.ThrowsAsync<ServiceUnavailableException>(() => Within(engine.DeletePromiseAsync("b", None)));
            Assert.ThrowsAsync<ServiceUnavailableException>(() => Within(engine.DeleteTopicsAsync(None)));
        }

        Assert.That(await DumpAsync(engine), Is.EqualTo(before), "a refused write changed what readers see");
        storage.DiskFull = false;
        engine.Abandon();
        Assert.That(await DumpAsync(await OpenAsync(mode)), Is.EqualTo(before), "a restart recovers something else");
    }

    [Test]
    public async Task FullDisk_ThenSpaceFreed_WritesResumeAndReadinessFollows([Values] AofFsyncMode mode)
    {
        var storage = new FaultyAofStorage();
        var engine = await OpenAsync(mode, storage);
        await engine.InsertTaskAsync(NewTask("before"), None);

        storage.DiskFull = true;
        storage.PartialBytes = 5;
        Assert.ThrowsAsync<ServiceUnavailableException>(() => Within(engine.InsertTaskAsync(NewTask("lost"), None)));
        Assert.ThrowsAsync<ServiceUnavailableException>(async () => await engine.CheckReadyAsync(None));

        storage.DiskFull = false;
        await Within(engine.InsertTaskAsync(NewTask("after"), None));
        Assert.DoesNotThrowAsync(async () => await engine.CheckReadyAsync(None));

        var seen = await DumpAsync(engine);
        Assert.That(seen.Keys, Is.EquivalentTo(new[] { "before", "after" }));
        engine.Abandon();
        Assert.That(await DumpAsync(await OpenAsync(mode)), Is.EqualTo(seen));
    }

    // A torn record the log could not cut off would sit in the middle of the log once anything follows it.
    [Test]
    public async Task FullDisk_TornRecordCannotBeCutOff_WritesRefusedUntilTheChoreCompacts([Values] AofFsyncMode mode)
    {
        var storage = new FaultyAofStorage();
        var engine = await OpenAsync(mode, storage);
        await engine.InsertTaskAsync(NewTask("before"), None);

        storage.DiskFull = true;
        storage.PartialBytes = 5;
        storage.TruncateFails = true;
        Assert.ThrowsAsync<ServiceUnavailableException>(() => Within(engine.InsertTaskAsync(NewTask("torn"), None)));
        storage.DiskFull = false;
        storage.TruncateFails = false;
        Assert.ThrowsAsync<ServiceUnavailableException>(() => Within(engine.InsertTaskAsync(NewTask("refused"), None)));
        Assert.ThrowsAsync<ServiceUnavailableException>(async () => await engine.CheckReadyAsync(None));

        await engine.ChoreAsync(None);
        await Within(engine.InsertTaskAsync(NewTask("after"), None));
        Assert.DoesNotThrowAsync(async () => await engine.CheckReadyAsync(None));

        var seen = await DumpAsync(engine);
        Assert.That(seen.Keys, Is.EquivalentTo(new[] { "before", "after" }));
        engine.Abandon();
        Assert.That(await DumpAsync(await OpenAsync(mode)), Is.EqualTo(seen));
    }

    // The change reached the file before its fsync failed: it stays (a restart would replay it too), but the request
    // is not acknowledged, and nothing more is written to that file until a compaction has saved the whole state.
    [Test]
    public async Task Always_SyncFails_TheRequestAnswersInsteadOfHanging()
    {
        var storage = new FaultyAofStorage();
        var engine = await OpenAsync(AofFsyncMode.Always, storage);

        storage.SyncFails = true;
        Assert.ThrowsAsync<ServiceUnavailableException>(() => Within(engine.InsertTaskAsync(NewTask("unsynced"), None)));
        Assert.ThrowsAsync<ServiceUnavailableException>(async () => await engine.CheckReadyAsync(None));
        storage.SyncFails = false;
        Assert.ThrowsAsync<ServiceUnavailableException>(() => Within(engine.InsertTaskAsync(NewTask("refused"), None)));

        await engine.ChoreAsync(None);
        await Within(engine.InsertTaskAsync(NewTask("after"), None));
        Assert.DoesNotThrowAsync(async () => await engine.CheckReadyAsync(None));

        var seen = await DumpAsync(engine);
        Assert.That(seen.Keys, Is.EquivalentTo(new[] { "unsynced", "after" }));
        engine.Abandon();
        Assert.That(await DumpAsync(await OpenAsync(AofFsyncMode.Always)), Is.EqualTo(seen));
    }

    // everysec and no acknowledge once the change is written to the kernel; a later fsync failure (the flusher's, or
    // the one that seals a log at compaction) means the kernel may have lost acknowledged changes.
    [Test]
    public async Task SyncFailsAfterTheAcknowledgement_WritesRefusedUntilTheChoreCompacts(
        [Values(AofFsyncMode.Everysec, AofFsyncMode.No)] AofFsyncMode mode)
    {
        var storage = new FaultyAofStorage();
        var engine = await OpenAsync(mode, storage);
        await engine.InsertTaskAsync(NewTask("acknowledged"), None);

        storage.SyncFails = true;
        Assert.Throws<IOException>(() => engine.Log!.Sync());
        Assert.ThrowsAsync<ServiceUnavailableException>(async () => await engine.CheckReadyAsync(None));
        Assert.ThrowsAsync<ServiceUnavailableException>(() => Within(engine.InsertTaskAsync(NewTask("refused"), None)));

        storage.SyncFails = false;
        await engine.ChoreAsync(None);
        await Within(engine.InsertTaskAsync(NewTask("after"), None));
        Assert.DoesNotThrowAsync(async () => await engine.CheckReadyAsync(None));

        var seen = await DumpAsync(engine);
        Assert.That(seen.Keys, Is.EquivalentTo(new[] { "acknowledged", "after" }));
        engine.Abandon();
        Assert.That(await DumpAsync(await OpenAsync(mode)), Is.EqualTo(seen));
    }

    // The chore's recovery loop runs every 500 ms: while the log is down it must neither throw (a stack trace each
    // time) nor recover claims it cannot log.
    [Test]
    public async Task FullDisk_BackgroundRecoveryAndChore_NeitherThrowNorChange([Values] AofFsyncMode mode)
    {
        var storage = new FaultyAofStorage();
        var engine = await OpenAsync(mode, storage);
        await engine.InsertTaskAsync(NewTask("a"), None);
        await engine.InsertPromiseAsync(new Promise("a", "c", Later(1)), None);
        _time.Advance(TimeSpan.FromSeconds(2));
        var before = await DumpAsync(engine);

        storage.DiskFull = true;
        Assert.That(await Within(engine.RecoverExpiredAsync(None)), Is.Zero);
        Assert.DoesNotThrowAsync(async () => await engine.ChoreAsync(None));
        Assert.That(await DumpAsync(engine), Is.EqualTo(before));

        storage.DiskFull = false;
        Assert.That(await Within(engine.RecoverExpiredAsync(None)), Is.EqualTo(1));
    }

    [Test]
    public async Task FullDisk_IsLoggedOnceAndItsEndOnce()
    {
        var storage = new FaultyAofStorage();
        var logger = new RecordingLogger<InMemoryTaskRepository>();
        var engine = await OpenAsync(AofFsyncMode.Everysec, storage, logger);
        await engine.InsertTaskAsync(NewTask("a"), None);
        await engine.InsertPromiseAsync(new Promise("a", "c", Later(1)), None);
        _time.Advance(TimeSpan.FromSeconds(2));

        storage.DiskFull = true;
        for (var i = 0; i < 5; i++)
        {
            Assert.ThrowsAsync<ServiceUnavailableException>(() => Within(engine.InsertTaskAsync(NewTask($"lost{i}"), None)));
            await Within(engine.RecoverExpiredAsync(None));
            await engine.ChoreAsync(None);
        }

        storage.DiskFull = false;
        await Within(engine.InsertTaskAsync(NewTask("b"), None));
        await Within(engine.InsertTaskAsync(NewTask("c"), None));

        var log = logger.Entries.Where(e => e.Message.Contains(AofPath + " ", StringComparison.Ordinal)).ToList();
        TestContext.Out.WriteLine(string.Join('\n', logger.Entries));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(log.Count(e => e.Level == LogLevel.Error), Is.EqualTo(1), "the failure");
            Assert.That(log.Count(e => e.Message.Contains("again", StringComparison.Ordinal)), Is.EqualTo(1), "the recovery");
        }
    }

    [Test]
    public async Task FullDisk_EveryFailedWriteIsCounted()
    {
        var storage = new FaultyAofStorage();
        var observer = new CountingFailureObserver();
        var engine = await OpenAsync(AofFsyncMode.Always, storage, observer: observer);

        storage.DiskFull = true;
        for (var i = 0; i < 3; i++)
        {
            Assert.ThrowsAsync<ServiceUnavailableException>(() => Within(engine.InsertTaskAsync(NewTask($"lost{i}"), None)));
        }

        storage.DiskFull = false;
        await Within(engine.InsertTaskAsync(NewTask("kept"), None));
        Assert.That(observer.LogFailures, Is.EqualTo(3));
    }

    // Bounds a call that must answer: a failure that never completes the caller fails the test instead of hanging it.
    private static async Task<T> Within<T>(ValueTask<T> operation)
    {
        var task = operation.AsTask();
        var finished = await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.That(finished, Is.SameAs(task), "the call never completed");
        return await task;
    }

    private DateTime Later(int seconds) => _time.GetUtcNow().UtcDateTime.AddSeconds(seconds);

    private async Task<InMemoryTaskRepository> OpenAsync(
        AofFsyncMode mode, FaultyAofStorage? storage = null, ILogger<InMemoryTaskRepository>? logger = null,
        CountingFailureObserver? observer = null)
    {
        var options = new MemDbOptions
        {
            AofPath = AofPath,
            AofFsync = mode,
            SnapshotInterval = TimeSpan.FromMinutes(5),
            RetentionPeriod = TimeSpan.FromHours(1),
        };
        var engine = new InMemoryTaskRepository(
            Microsoft.Extensions.Options.Options.Create(options), _time, logger ?? NullLogger<InMemoryTaskRepository>.Instance,
            failureObserver: observer)
        {
            AofStorage = storage ?? (IAofStorage)FileAofStorage.Instance,
        };
        await engine.OpenAsync(None);
        _open.Add((engine, storage));
        return engine;
    }
}
