using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Ratus.Domain.Errors;
using Ratus.Infrastructure.InMemory;
using Ratus.Infrastructure.Tests.Support;
using static Ratus.Infrastructure.Tests.Support.MemDbState;

namespace Ratus.Infrastructure.Tests.InMemory;

/// A snapshot location that cannot be written (here: its directory is missing, which fails the write the way a full
/// or read-only disk does, even for root) is made visible, and the next chore after it is fixed saves again.
[TestFixture]
public sealed class SnapshotFailureTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
    private readonly List<InMemoryTaskRepository> _open = [];
    private string _directory = null!;

    private string SnapshotDirectory => Path.Combine(_directory, "snapshots");

    private string SnapshotPath => Path.Combine(SnapshotDirectory, "ratus.snapshot");

    [SetUp]
    public void CreateDirectory()
    {
        _directory = Path.Combine(Path.GetTempPath(), $"ratus-snapshot-fault-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void DeleteDirectory()
    {
        foreach (var engine in _open)
        {
            engine.Abandon();
        }

        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public async Task SnapshotsOnly_LocationCannotBeWritten_NotReadyLoggedOnceUntilTheChoreSavesAgain()
    {
        var logger = new RecordingLogger<InMemoryTaskRepository>();
        var observer = new CountingFailureObserver();
        var engine = await OpenAsync(new MemDbOptions { SnapshotPath = SnapshotPath }, logger, observer);
        await engine.InsertTaskAsync(NewTask("a"), None);

        for (var i = 0; i < 3; i++)
        {
            Assert.DoesNotThrowAsync(async () => await engine.ChoreAsync(None));
            _time.Advance(TimeSpan.FromSeconds(10));
        }

        Assert.ThrowsAsync<ServiceUnavailableException>(async () => await engine.CheckReadyAsync(None));
        Assert.That(Snapshot(logger).Count(e => e.Level == LogLevel.Error), Is.EqualTo(1));
        Assert.That(observer.SnapshotFailures, Is.EqualTo(3));

        Directory.CreateDirectory(SnapshotDirectory);
        await engine.ChoreAsync(None);
        using (Assert.EnterMultipleScope())
        {
            Assert.DoesNotThrowAsync(async () => await engine.CheckReadyAsync(None));
            Assert.That(SnapshotFile.Read(SnapshotPath)!.Select(t => t.Id), Is.EquivalentTo(new[] { "a" }));
            Assert.That(Snapshot(logger).Count(e => e.Level == LogLevel.Error), Is.EqualTo(1));
            Assert.That(Snapshot(logger).Count(e => e.Message.Contains("again", StringComparison.Ordinal)), Is.EqualTo(1));
        }
    }

    // With the log on, a failed compaction loses nothing: every change is in the logs it leaves behind.
    [Test]
    public async Task WithTheLog_CompactionCannotWriteTheSnapshot_WritesGoOnAndARestartRecoversThem()
    {
        var options = new MemDbOptions { SnapshotPath = SnapshotPath, AofPath = Path.Combine(_directory, "ratus.aof"), AofFsync = AofFsyncMode.Always };
        var engine = await OpenAsync(options);
        await engine.InsertTaskAsync(NewTask("a"), None);
        Assert.DoesNotThrowAsync(async () => await engine.ChoreAsync(None));
        await engine.InsertTaskAsync(NewTask("b"), None);
        await engine.DeleteTaskAsync("a", None);
        Assert.DoesNotThrowAsync(async () => await engine.ChoreAsync(None));
        await engine.InsertTaskAsync(NewTask("c"), None);
        Assert.DoesNotThrowAsync(async () => await engine.CheckReadyAsync(None));

        var seen = await DumpAsync(engine);
        engine.Abandon();
        Assert.That(await DumpAsync(await OpenAsync(options)), Is.EqualTo(seen));
        Assert.That(seen.Keys, Is.EquivalentTo(new[] { "b", "c" }));
    }

    private static List<(LogLevel Level, string Message)> Snapshot(RecordingLogger<InMemoryTaskRepository> logger) =>
        [.. logger.Entries.Where(e => e.Message.Contains("snapshot", StringComparison.Ordinal) && e.Level >= LogLevel.Information)];

    private async Task<InMemoryTaskRepository> OpenAsync(
        MemDbOptions options, ILogger<InMemoryTaskRepository>? logger = null, CountingFailureObserver? observer = null)
    {
        var engine = new InMemoryTaskRepository(
            Microsoft.Extensions.Options.Options.Create(options), _time, logger ?? new RecordingLogger<InMemoryTaskRepository>(),
            failureObserver: observer);
        await engine.OpenAsync(None);
        _open.Add(engine);
        return engine;
    }
}
