using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Ratus.Application.Abstractions;
using Ratus.Domain.Commits;
using Ratus.Domain.Errors;
using Ratus.Domain.Promises;
using Ratus.Domain.Tasks;
using Ratus.Domain.Time;
using Ratus.Infrastructure.InMemory;
using static Ratus.Infrastructure.Tests.Support.Payloads;
using Ratus.Infrastructure.Tests.Support;

namespace Ratus.Infrastructure.Tests.InMemory;

[TestFixture]
public sealed class InMemoryTaskRepositoryTests : TaskRepositoryContract
{
    private string _directory = null!;

    [SetUp]
    public void CreateDirectory()
    {
        _directory = Path.Combine(Path.GetTempPath(), $"ratus-memdb-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    protected override ITaskRepository CreateRepository(FakeTimeProvider time) =>
        new InMemoryTaskRepository(Options.Create(new MemDbOptions()), time, NullLogger<InMemoryTaskRepository>.Instance, recoveryObserver: Recoveries);

    private string SnapshotPath => Path.Combine(_directory, "test.db");

    private InMemoryTaskRepository CreateMemDb(MemDbOptions options, ITaskJournal? journal = null) =>
        new(Options.Create(options), Time, NullLogger<InMemoryTaskRepository>.Instance, journal);

    private MemDbOptions SnapshotOptions(TimeSpan? retention = null) => new()
    {
        SnapshotPath = SnapshotPath,
        SnapshotInterval = TimeSpan.FromMinutes(5),
        RetentionPeriod = retention ?? TimeSpan.FromMinutes(10),
    };

    private static void AssertSameTask(RatusTask actual, RatusTask expected)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(actual.Id, Is.EqualTo(expected.Id));
            Assert.That(actual.Topic, Is.EqualTo(expected.Topic));
            Assert.That(actual.State, Is.EqualTo(expected.State));
            Assert.That(actual.Nonce, Is.EqualTo(expected.Nonce));
            Assert.That(actual.Producer, Is.EqualTo(expected.Producer));
            Assert.That(actual.Consumer, Is.EqualTo(expected.Consumer));
            Assert.That(actual.Produced, Is.EqualTo(expected.Produced));
            Assert.That(actual.Scheduled, Is.EqualTo(expected.Scheduled));
            Assert.That(actual.Consumed, Is.EqualTo(expected.Consumed));
            Assert.That(actual.Deadline, Is.EqualTo(expected.Deadline));
            Assert.That(actual.Payload, Is.EqualTo(expected.Payload));
            Assert.That(actual.TraceParent, Is.EqualTo(expected.TraceParent));
        }
    }

    [Test]
    public async Task Snapshot_TraceParent_SurvivesTheRoundTrip()
    {
        const string traceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var writer = CreateMemDb(SnapshotOptions());
        await writer.OpenAsync(None);
        await writer.InsertTaskAsync(NewTask("1", payload: "1") with { TraceParent = traceParent, Producer = "p" }, None);
        await writer.InsertTaskAsync(NewTask("2"), None);
        await writer.CloseAsync(None);

        var reader = CreateMemDb(SnapshotOptions());
        await reader.OpenAsync(None);
        Assert.That((await reader.GetTaskAsync("1", None)).TraceParent, Is.EqualTo(traceParent));
        Assert.That(Text((await reader.GetTaskAsync("1", None)).Payload), Is.EqualTo("1"));
        Assert.That((await reader.GetTaskAsync("2", None)).TraceParent, Is.Null);
        await reader.CloseAsync(None);
    }

    // A format-1 snapshot (before the trace parent), laid out byte by byte as the first codec wrote it.
    [Test]
    public async Task Snapshot_FormatVersion1_StillLoads()
    {
        using (var stream = File.Create(SnapshotPath))
        {
            var writer = new SnapshotWriter(stream);
            writer.WriteBytes("RATUSSNP"u8);
            writer.WriteUInt32(1);
            writer.WriteInt64(1);
            writer.WriteByte((byte)TaskState.Completed);
            writer.WriteByte(1 | 4 | 64); // producer, produced, payload
            writer.WriteString("v1");
            writer.WriteString("old");
            writer.WriteString("");
            writer.WriteString("p");
            writer.WriteInt64(Now.Ticks);
            writer.WriteLength(2);
            writer.WriteBytes("42"u8);
            var crc = writer.Complete();
            Span<byte> trailer = stackalloc byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(trailer, crc);
            stream.Write(trailer);
        }

        var reader = CreateMemDb(SnapshotOptions(TimeSpan.FromDays(365)));
        await reader.OpenAsync(None);
        var task = await reader.GetTaskAsync("v1", None);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(task.Topic, Is.EqualTo("old"));
            Assert.That(task.State, Is.EqualTo(TaskState.Completed));
            Assert.That(task.Producer, Is.EqualTo("p"));
            Assert.That(task.Produced, Is.EqualTo((Timestamp)Now));
            Assert.That(Text(task.Payload), Is.EqualTo("42"));
            Assert.That(task.TraceParent, Is.Null);
        }

        await reader.CloseAsync(None);
    }

    // Snapshots of formats 2 and 3 (before the nanoseconds beyond the tick), laid out byte by byte as that codec
    // wrote them; <paramref name="state"/> is the record's state byte.
    private void WriteOldSnapshot(uint version, byte state)
    {
        using var stream = File.Create(SnapshotPath);
        var writer = new SnapshotWriter(stream);
        writer.WriteBytes("RATUSSNP"u8);
        writer.WriteUInt32(version);
        if (version >= 3)
        {
            writer.WriteInt64(0); // the log generation
        }

        writer.WriteInt64(1);
        writer.WriteByte(state);
        writer.WriteByte(2 | 8 | 16 | 32 | 128); // consumer, scheduled, consumed, deadline, trace parent
        writer.WriteString($"v{version}");
        writer.WriteString("old");
        writer.WriteString("n");
        writer.WriteString("c");
        writer.WriteInt64(Now.Ticks);
        writer.WriteInt64(Now.Ticks + 1);
        writer.WriteInt64(Now.Ticks + 2);
        writer.WriteString("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        var crc = writer.Complete();
        Span<byte> trailer = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(trailer, crc);
        stream.Write(trailer);
    }

    [TestCase(2u)]
    [TestCase(3u)]
    public async Task Snapshot_FormatVersions2And3_StillLoad(uint version)
    {
        WriteOldSnapshot(version, (byte)TaskState.Active);

        var reader = CreateMemDb(SnapshotOptions());
        await reader.OpenAsync(None);
        var task = await reader.GetTaskAsync($"v{version}", None);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(task.State, Is.EqualTo(TaskState.Active));
            Assert.That(task.Nonce, Is.EqualTo("n"));
            Assert.That(task.Consumer, Is.EqualTo("c"));
            Assert.That(task.Scheduled, Is.EqualTo((Timestamp)Now));
            Assert.That(task.Consumed, Is.EqualTo(new Timestamp(Now.Ticks + 1, 0)));
            Assert.That(task.Deadline, Is.EqualTo(new Timestamp(Now.Ticks + 2, 0)));
            Assert.That(task.TraceParent, Does.StartWith("00-0af7"));
        }

        await reader.CloseAsync(None);
    }

    [Test]
    public void Snapshot_FormatVersion3_WithTheNanosecondFlag_IsCorrupt()
    {
        WriteOldSnapshot(3, 0x80 | (byte)TaskState.Active);

        var reader = CreateMemDb(SnapshotOptions());
        Assert.That(async () => await reader.OpenAsync(None),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("invalid task state"));
    }

    [Test]
    public async Task Snapshot_Nanoseconds_SurviveTheRoundTrip()
    {
        var writer = CreateMemDb(SnapshotOptions());
        await writer.OpenAsync(None);
        var deadline = Now.AddMinutes(1);
        await writer.InsertTasksAsync(
        [
            NewTask("ns", payload: "1") with
            {
                State = TaskState.Active,
                Nonce = "n",
                Produced = new Timestamp(Now.Ticks, 1),
                Scheduled = new Timestamp(Now.Ticks, 99),
                Consumed = new Timestamp(Now.Ticks + 1, 50),
                Deadline = new Timestamp(deadline.Ticks, 7),
            },
            NewTask("one") with { Scheduled = new Timestamp(Now.Ticks, 0), Consumed = new Timestamp(Now.Ticks, 42) },
            NewTask("none"),
        ], None);
        var expected = new[] { await writer.GetTaskAsync("ns", None), await writer.GetTaskAsync("one", None), await writer.GetTaskAsync("none", None) };
        await writer.CloseAsync(None);

        Assert.That(System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(File.ReadAllBytes(SnapshotPath).AsSpan(8)), Is.EqualTo(4));
        var reader = CreateMemDb(SnapshotOptions());
        await reader.OpenAsync(None);
        foreach (var task in expected)
        {
            AssertSameTask(await reader.GetTaskAsync(task.Id, None), task);
        }

        Assert.That((await reader.GetTaskAsync("ns", None)).Deadline, Is.EqualTo(new Timestamp(deadline.Ticks, 7)));
        await reader.CloseAsync(None);
    }

    // Snapshots (docs/protocol.md §3.11)

    [Test]
    public async Task Snapshot_ChoreAndClose_NewInstanceLoadsEveryField()
    {
        var writer = CreateMemDb(SnapshotOptions());
        await writer.OpenAsync(None);
        await writer.InsertTaskAsync(NewTask("1", payload: "\"hello\""), None);
        await writer.InsertTaskAsync(NewTask("2", payload: "3.14") with { Producer = "p" }, None);

        await writer.ChoreAsync(None);
        Assert.That(File.Exists(SnapshotPath), Is.True);
        Assert.DoesNotThrowAsync(async () => await writer.ChoreAsync(None));

        const string map = "{\"empty\":null,\"bool\":true,\"int\":123,\"float\":3.14,\"string\":\"hello\",\"array\":[1,2,\"a\"]}";
        await writer.InsertTaskAsync(NewTask("3", payload: map), None);
        await writer.InsertTaskAsync(NewTask("4", "other", "{\"k\":\"\\u00e9\"}"), None);
        var active = await writer.PollTaskAsync("other", new Promise("", "worker", Now.AddMinutes(5)), None);
        await writer.InsertTaskAsync(NewTask("5", "done") with { State = TaskState.Completed, Consumed = Now, Consumer = "c" }, None);
        await writer.InsertTaskAsync(NewTask("6", "kept") with { State = TaskState.Archived, Scheduled = null, Produced = null }, None);
        await writer.InsertTaskAsync(NewTask("7", "test", "\"\"") with { Nonce = "inserted" }, None);
        var expected = new List<RatusTask>();
        foreach (var id in new[] { "1", "2", "3", "4", "5", "6", "7" })
        {
            expected.Add(await writer.GetTaskAsync(id, None));
        }

        await writer.CloseAsync(None);
        Assert.That(File.Exists(SnapshotPath), Is.True);

        var reader = CreateMemDb(SnapshotOptions());
        await reader.OpenAsync(None);
        Assert.That(await reader.ListTasksAsync("test", 10, 0, None), Has.Count.EqualTo(4));
        foreach (var task in expected)
        {
            AssertSameTask(await reader.GetTaskAsync(task.Id, None), task);
        }

        var restored = await reader.GetTaskAsync("4", None);
        Assert.That(restored.Nonce, Is.EqualTo(active.Nonce).And.Length.EqualTo(16));
        Assert.That(restored.Consumer, Is.EqualTo("worker"));
        Assert.That(restored.Deadline, Is.EqualTo((Timestamp)Now.AddMinutes(5)));
        Assert.That(Text((await reader.GetTaskAsync("3", None)).Payload), Is.EqualTo(map));
        Assert.That((await reader.GetTopicAsync("test", None)).Count, Is.EqualTo(4));

        // The indexes are rebuilt too: the restored promise is listed and can be committed with its nonce.
        Assert.That((await reader.ListPromisesAsync("other", 10, 0, None)).Single().Id, Is.EqualTo("4"));
        Assert.That((await reader.CommitTaskAsync("4", new Commit { Nonce = active.Nonce }, None)).State, Is.EqualTo(TaskState.Completed));
        await reader.CloseAsync(None);
        Assert.That(Directory.GetFiles(_directory), Is.EqualTo(new[] { SnapshotPath }), "no temporary files are left behind");
    }

    [Test]
    public async Task Snapshot_LargerThanBuffers_RoundTripsExactly()
    {
        var writer = CreateMemDb(SnapshotOptions());
        await writer.OpenAsync(None);
        var random = new Random(42);
        var expected = new List<RatusTask>();
        for (var i = 0; i < 3_000; i++)
        {
            var payload = new byte[random.Next(0, 200)];
            random.NextBytes(payload);
            expected.Add(NewTask($"id-{i}-\u00e9\u4e2d", $"topic-{i % 7}") with { Payload = payload, Producer = $"producer-{i % 3}" });
        }

        expected.Add(NewTask(new string('k', 70_000), payload: $"\"{new string('v', 200_000)}\""));
        expected.Add(NewTask("huge-topic", new string('t', 70_000)) with { Consumer = new string('c', 70_000) });
        await writer.InsertTasksAsync(expected, None);
        await writer.CloseAsync(None);

        var reader = CreateMemDb(SnapshotOptions());
        await reader.OpenAsync(None);

        foreach (var task in expected)
        {
            AssertSameTask(await reader.GetTaskAsync(task.Id, None), task);
        }

        Assert.That(await reader.ListTopicsAsync(100, 0, None), Has.Count.EqualTo(9));
    }

    [Test]
    public async Task ChoreAsync_WithinSnapshotInterval_DoesNotRewrite()
    {
        var repository = CreateMemDb(SnapshotOptions());
        await repository.OpenAsync(None);
        await repository.ChoreAsync(None);
        await repository.InsertTaskAsync(NewTask("1"), None);

        await repository.ChoreAsync(None);
        Assert.That(await CountInSnapshotAsync(), Is.Zero);

        Time.Advance(TimeSpan.FromMinutes(5));
        await repository.ChoreAsync(None);
        Assert.That(await CountInSnapshotAsync(), Is.EqualTo(1));
    }

    [Test]
    public async Task OpenAsync_MissingSnapshot_StartsEmpty()
    {
        var repository = CreateMemDb(SnapshotOptions());

        await repository.OpenAsync(None);

        Assert.That(await repository.ListTopicsAsync(10, 0, None), Is.Empty);
        Assert.That(File.Exists(SnapshotPath), Is.False);
    }

    [Test]
    public async Task OpenAsync_CorruptSnapshot_ThrowsInvalidDataNamingPath()
    {
        await WriteSnapshotAsync(10);
        var bytes = await File.ReadAllBytesAsync(SnapshotPath);
        bytes[bytes.Length / 2] ^= 0x20;
        await File.WriteAllBytesAsync(SnapshotPath, bytes);

        var repository = CreateMemDb(SnapshotOptions());

        var error = Assert.ThrowsAsync<InvalidDataException>(async () => await repository.OpenAsync(None));
        Assert.That(error.Message, Does.Contain(SnapshotPath));
        Assert.ThrowsAsync<ServiceUnavailableException>(async () => await repository.CheckReadyAsync(None));
    }

    [Test]
    public async Task OpenAsync_NotASnapshot_ThrowsInvalidData()
    {
        await File.WriteAllTextAsync(SnapshotPath, "{\"this is\":\"json, not a snapshot\"}");

        var error = Assert.ThrowsAsync<InvalidDataException>(async () => await CreateMemDb(SnapshotOptions()).OpenAsync(None));
        Assert.That(error.Message, Does.Contain(SnapshotPath).And.Contain("magic"));
    }

    [TestCase(0.5)]
    [TestCase(0.999)]
    public async Task OpenAsync_TruncatedSnapshot_ThrowsInvalidData(double keep)
    {
        await WriteSnapshotAsync(10);
        var bytes = await File.ReadAllBytesAsync(SnapshotPath);
        await File.WriteAllBytesAsync(SnapshotPath, bytes[..(int)(bytes.Length * keep)]);

        var error = Assert.ThrowsAsync<InvalidDataException>(async () => await CreateMemDb(SnapshotOptions()).OpenAsync(None));
        Assert.That(error.Message, Does.Contain(SnapshotPath));
    }

    [Test]
    public async Task OpenAsync_EmptySnapshotFile_ThrowsInvalidData()
    {
        await File.WriteAllBytesAsync(SnapshotPath, []);

        var error = Assert.ThrowsAsync<InvalidDataException>(async () => await CreateMemDb(SnapshotOptions()).OpenAsync(None));
        Assert.That(error.Message, Does.Contain(SnapshotPath).And.Contain("truncated"));
    }

    [Test]
    public async Task Snapshot_RepeatedWrites_LeaveOnlyTheSnapshot()
    {
        var repository = CreateMemDb(SnapshotOptions());
        await repository.OpenAsync(None);
        for (var i = 0; i < 3; i++)
        {
            await repository.InsertTaskAsync(NewTask($"{i}"), None);
            await repository.ChoreAsync(None);
            Time.Advance(TimeSpan.FromMinutes(5));
        }

        await repository.CloseAsync(None);

        Assert.That(Directory.GetFiles(_directory), Is.EqualTo(new[] { SnapshotPath }));
        Assert.That(await CountInSnapshotAsync(), Is.EqualTo(3));
    }

    // Retention (docs/protocol.md §3.4)

    [Test]
    public async Task ChoreAsync_RetentionElapsed_PurgesCompletedAndRecoversActive()
    {
        var repository = CreateMemDb(new MemDbOptions { RetentionPeriod = TimeSpan.FromMilliseconds(100) });
        await repository.OpenAsync(None);
        await repository.InsertTasksAsync(
        [
            NewTask("1") with { State = TaskState.Completed, Consumed = Now },
            NewTask("2") with { State = TaskState.Completed, Consumed = Now.AddMilliseconds(100) },
            NewTask("3") with { State = TaskState.Active, Deadline = Now.AddMilliseconds(200) },
            NewTask("4") with { State = TaskState.Completed },
            NewTask("5") with { State = TaskState.Archived, Consumed = Now },
        ], None);

        var counts = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            await repository.ChoreAsync(None);
            counts.Add((await repository.ListTasksAsync("test", 10, 0, None)).Count);
            Time.Advance(TimeSpan.FromMilliseconds(100));
        }

        // Tasks 4 (completed without consumed) and 5 (archived) never expire.
        Assert.That(counts, Is.EqualTo(new[] { 5, 4, 3 }));
        Time.Advance(TimeSpan.FromDays(365));
        await repository.ChoreAsync(None);
        var left = await repository.ListTasksAsync("test", 10, 0, None);
        Assert.That(left.Select(t => t.Id), Is.EqualTo(new[] { "3", "4", "5" }));
        Assert.That(left[0].State, Is.EqualTo(TaskState.Pending));
    }

    // Times keep nanoseconds: a time a few nanoseconds after "now" is not yet due, whatever the ID order says.

    [Test]
    public async Task PollTaskAsync_ScheduledNanosecondsAfterNow_NotDueUntilThen()
    {
        await Repository.InsertTasksAsync(
        [
            NewTask("a") with { Scheduled = new Timestamp(Now.Ticks, 1) },
            NewTask("b") with { Scheduled = Now },
        ], None);

        Assert.That((await Repository.GetStatisticsAsync(None)).Single().Due, Is.EqualTo(1));
        Assert.That((await Repository.PollTaskAsync("test", Wildcard(), None)).Id, Is.EqualTo("b"));
        Assert.ThrowsAsync<NotFoundException>(async () => await Repository.PollTaskAsync("test", Wildcard(), None));
        Time.Advance(TimeSpan.FromTicks(1));
        Assert.That((await Repository.PollTaskAsync("test", Wildcard(), None)).Id, Is.EqualTo("a"));
    }

    [Test]
    public async Task RecoverExpiredAsync_DeadlineNanosecondsAfterNow_NotRecoveredUntilThen()
    {
        await Repository.InsertTasksAsync([NewTask("a"), NewTask("b")], None);
        var deadline = Now.AddSeconds(1);
        await Repository.InsertPromiseAsync(new Promise("a", null, new Timestamp(deadline.Ticks, 1)), None);
        await Repository.InsertPromiseAsync(new Promise("b", null, deadline), None);

        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(await Repository.RecoverExpiredAsync(None), Is.EqualTo(1));
        Assert.That((await Repository.GetTaskAsync("a", None)).State, Is.EqualTo(TaskState.Active));
        Assert.That((await Repository.GetTaskAsync("b", None)).State, Is.EqualTo(TaskState.Pending));
        Time.Advance(TimeSpan.FromTicks(1));
        Assert.That(await Repository.RecoverExpiredAsync(None), Is.EqualTo(1));
        Assert.That((await Repository.GetTaskAsync("a", None)).Deadline, Is.EqualTo(new Timestamp(deadline.Ticks, 1)));
    }

    [Test]
    public async Task ChoreAsync_ConsumedNanosecondsAfterTheRetentionCutoff_NotPurgedUntilThen()
    {
        var repository = CreateMemDb(new MemDbOptions { RetentionPeriod = TimeSpan.FromMinutes(10) });
        await repository.OpenAsync(None);
        await repository.InsertTasksAsync(
        [
            NewTask("a") with { State = TaskState.Completed, Consumed = new Timestamp(Now.Ticks, 1) },
            NewTask("b") with { State = TaskState.Completed, Consumed = Now },
        ], None);

        Time.Advance(TimeSpan.FromMinutes(10));
        await repository.ChoreAsync(None);
        Assert.That((await repository.ListTasksAsync("test", 10, 0, None)).Select(t => t.Id), Is.EqualTo(new[] { "a" }));
        Time.Advance(TimeSpan.FromTicks(1));
        await repository.ChoreAsync(None);
        Assert.That(await repository.ListTasksAsync("test", 10, 0, None), Is.Empty);
    }

    // docs/protocol.md, D1, D3

    [Test]
    public async Task PollTaskAsync_PendingTaskOnlyInOtherTopic_ThrowsNotFound()
    {
        await Repository.InsertTaskAsync(NewTask("1", "beta"), None);

        Assert.ThrowsAsync<NotFoundException>(async () => await Repository.PollTaskAsync("alpha", Wildcard(), None));
        Assert.That((await Repository.PollTaskAsync("beta", Wildcard(), None)).Id, Is.EqualTo("1"));
    }

    [Test]
    public async Task PollTaskAsync_PromiseExpired_ReclaimsWithNewNonceAndOldNonceConflicts()
    {
        await Repository.InsertTaskAsync(NewTask("1"), None);
        var first = await Repository.PollTaskAsync("test", new Promise("", "a", Now.AddSeconds(5)), None);
        Assert.ThrowsAsync<NotFoundException>(async () => await Repository.PollTaskAsync("test", Wildcard(), None));

        Time.Advance(TimeSpan.FromSeconds(5.001));
        var second = await Repository.PollTaskAsync("test", new Promise("", "b", Now.AddMinutes(1)), None);

        Assert.That(second.Id, Is.EqualTo("1"));
        Assert.That(second.Nonce, Is.Not.EqualTo(first.Nonce).And.Not.Empty);
        Assert.That(second.Consumer, Is.EqualTo("b"));
        Assert.ThrowsAsync<ConflictException>(async () => await Repository.CommitTaskAsync("1", new Commit { Nonce = first.Nonce }, None));
        Assert.That((await Repository.CommitTaskAsync("1", new Commit { Nonce = second.Nonce }, None)).State, Is.EqualTo(TaskState.Completed));
    }

    [Test]
    public async Task RecoverExpiredAsync_DeadlinesPassed_RecoversOnlyThoseKeepingClaimFields()
    {
        await Repository.InsertTasksAsync([NewTask("1"), NewTask("2"), NewTask("3")], None);
        await Repository.InsertPromiseAsync(new Promise("1", "c1", Now.AddSeconds(1)), None);
        await Repository.InsertPromiseAsync(new Promise("2", "c2", Now.AddSeconds(3)), None);
        await Repository.InsertPromiseAsync(new Promise("3", "c3", null), None);
        Time.Advance(TimeSpan.FromSeconds(2));

        Assert.That(await Repository.RecoverExpiredAsync(None), Is.EqualTo(1));

        var recovered = await Repository.GetTaskAsync("1", None);
        Assert.That(recovered.State, Is.EqualTo(TaskState.Pending));
        Assert.That(recovered.Nonce, Is.Empty);
        Assert.That(recovered.Consumer, Is.EqualTo("c1"));
        Assert.That(recovered.Consumed, Is.EqualTo((Timestamp)Now));
        Assert.That(recovered.Deadline, Is.EqualTo((Timestamp)Now.AddSeconds(1)));
        Time.Advance(TimeSpan.FromDays(1));
        Assert.That(await Repository.RecoverExpiredAsync(None), Is.EqualTo(1), "an active task without a deadline is never recovered");
        Assert.That((await Repository.GetTaskAsync("3", None)).State, Is.EqualTo(TaskState.Active));
    }

    [Test]
    public async Task RecoverExpiredAsync_DeadlineEqualsNow_Recovers()
    {
        await Repository.InsertTaskAsync(NewTask("1"), None);
        await Repository.InsertPromiseAsync(new Promise("1", null, Now.AddSeconds(1)), None);

        Time.Advance(TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(1));
        Assert.That(await Repository.RecoverExpiredAsync(None), Is.Zero);
        Time.Advance(TimeSpan.FromTicks(1));
        Assert.That(await Repository.RecoverExpiredAsync(None), Is.EqualTo(1));
    }

    // Ordering and listing

    [Test]
    public async Task PollTaskAsync_SameMillisecond_TakesLowerIdFirst()
    {
        await Repository.InsertTasksAsync(
        [
            NewTask("b") with { Scheduled = Now.AddTicks(9) },
            NewTask("a") with { Scheduled = Now.AddTicks(1) },
            NewTask("c") with { Scheduled = Now.AddTicks(5) },
            NewTask("0") with { Scheduled = Now.AddMilliseconds(2) },
        ], None);
        Time.Advance(TimeSpan.FromMilliseconds(3));

        var order = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            order.Add((await Repository.PollTaskAsync("test", Wildcard(), None)).Id);
        }

        Assert.That(order, Is.EqualTo(new[] { "a", "b", "c", "0" }));
    }

    [Test]
    public async Task PollTaskAsync_NowInsideTheMillisecond_SkipsKeysNotYetDue()
    {
        var millisecond = new DateTime(Now.Ticks - Now.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc).AddMilliseconds(1);
        await Repository.InsertTasksAsync(
        [
            NewTask("a") with { Scheduled = millisecond.AddTicks(9) },
            NewTask("b") with { Scheduled = millisecond.AddTicks(1) },
        ], None);
        Time.SetUtcNow(new DateTimeOffset(millisecond.AddTicks(5)));

        Assert.That((await Repository.PollTaskAsync("test", Wildcard(), None)).Id, Is.EqualTo("b"));
        Assert.ThrowsAsync<NotFoundException>(async () => await Repository.PollTaskAsync("test", Wildcard(), None));
        Time.Advance(TimeSpan.FromTicks(4));
        Assert.That((await Repository.PollTaskAsync("test", Wildcard(), None)).Id, Is.EqualTo("a"));
    }

    [Test]
    public async Task ListTasksAsync_AnyInsertOrder_OrderedByIdOrdinal()
    {
        await Repository.InsertTasksAsync([NewTask("b"), NewTask("a"), NewTask("10"), NewTask("2"), NewTask("B"), NewTask("x", "other")], None);

        var all = await Repository.ListTasksAsync("test", 10, 0, None);
        var page = await Repository.ListTasksAsync("test", 2, 1, None);

        Assert.That(all.Select(t => t.Id), Is.EqualTo(new[] { "10", "2", "B", "a", "b" }));
        Assert.That(page.Select(t => t.Id), Is.EqualTo(new[] { "2", "B" }));
        Assert.That(await Repository.ListTasksAsync("test", 0, 0, None), Is.Empty);
    }

    [Test]
    public async Task ListTopicsAsync_ManyTopics_DistinctNamesByOrdinalAndPaged()
    {
        await Repository.InsertTasksAsync([NewTask("1", "t1"), NewTask("2", "other"), NewTask("3", "t1"), NewTask("4", "T"), NewTask("5", "a")], None);

        var all = await Repository.ListTopicsAsync(10, 0, None);
        var page = await Repository.ListTopicsAsync(2, 1, None);

        Assert.That(all.Select(t => t.Name), Is.EqualTo(new[] { "T", "a", "other", "t1" }));
        Assert.That(all.Select(t => t.Count), Is.All.Zero);
        Assert.That(page.Select(t => t.Name), Is.EqualTo(new[] { "a", "other" }));
        Assert.That((await Repository.GetTopicAsync("t1", None)).Count, Is.EqualTo(2));
    }

    [Test]
    public async Task CommitTaskAsync_MovesLastTaskOutOfTopic_TopicDisappears()
    {
        await Repository.InsertTaskAsync(NewTask("1", "fresh"), None);

        var moved = await Repository.CommitTaskAsync("1", new Commit { Topic = "revisit", State = TaskState.Pending, Scheduled = Now }, None);

        Assert.That(moved.Topic, Is.EqualTo("revisit"));
        Assert.That((await Repository.ListTopicsAsync(10, 0, None)).Select(t => t.Name), Is.EqualTo(new[] { "revisit" }));
        Assert.ThrowsAsync<NotFoundException>(async () => await Repository.GetTopicAsync("fresh", None));
        Assert.ThrowsAsync<NotFoundException>(async () => await Repository.PollTaskAsync("fresh", Wildcard(), None));
        Assert.That((await Repository.PollTaskAsync("revisit", Wildcard(), None)).Id, Is.EqualTo("1"));
    }

    // Insert, upsert and commit details

    [Test]
    public async Task UpsertTasksAsync_ExistingAndRepeatedIds_CountsLikeMemDb()
    {
        await Repository.InsertTaskAsync(NewTask("a"), None);

        var result = await Repository.UpsertTasksAsync([NewTask("a"), NewTask("e", payload: "1"), NewTask("e", payload: "2")], None);

        Assert.That(result, Is.EqualTo(new Ratus.Domain.Common.UpdateResult(1, 2)));
        Assert.That(Text((await Repository.GetTaskAsync("e", None)).Payload), Is.EqualTo("2"));
    }

    [Test]
    public async Task InsertTasksAsync_DuplicatesInBatch_FirstWins()
    {
        var result = await Repository.InsertTasksAsync([NewTask("x", payload: "1"), NewTask("x", payload: "2")], None);

        Assert.That(result.Created, Is.EqualTo(1));
        Assert.That(Text((await Repository.GetTaskAsync("x", None)).Payload), Is.EqualTo("1"));
    }

    [Test]
    public async Task InsertTaskAsync_IdExistsInOtherTopic_ThrowsConflict()
    {
        await Repository.InsertTaskAsync(NewTask("1", "a"), None);

        Assert.ThrowsAsync<ConflictException>(async () => await Repository.InsertTaskAsync(NewTask("1", "b"), None));
    }

    [Test]
    public async Task UpsertTaskAsync_ActiveTaskReplacedByPending_IndexesFollow()
    {
        await Repository.InsertTaskAsync(NewTask("1"), None);
        await Repository.PollTaskAsync("test", Wildcard(), None);

        Assert.That(await Repository.UpsertTaskAsync(NewTask("1", "other"), None), Is.EqualTo(new Ratus.Domain.Common.UpdateResult(0, 1)));

        Assert.That(await Repository.ListPromisesAsync("test", 10, 0, None), Is.Empty);
        Assert.ThrowsAsync<NotFoundException>(async () => await Repository.GetTopicAsync("test", None));
        Assert.That((await Repository.PollTaskAsync("other", Wildcard(), None)).Id, Is.EqualTo("1"));
    }

    [Test]
    public async Task CommitTaskAsync_ForceWithoutPayload_KeepsPayloadAndClearsNonce()
    {
        await Repository.InsertTaskAsync(NewTask("1", payload: "\"keep\""), None);
        var claimed = await Repository.PollTaskAsync("test", new Promise("", "w", Now.AddMinutes(1)), None);

        var committed = await Repository.CommitTaskAsync("1", new Commit(), None);

        Assert.That(committed.State, Is.EqualTo(TaskState.Completed));
        Assert.That(committed.Nonce, Is.Empty);
        Assert.That(Text(committed.Payload), Is.EqualTo("\"keep\""));
        Assert.That(committed.Consumer, Is.EqualTo("w"));
        Assert.That(committed.Deadline, Is.EqualTo(claimed.Deadline));
        Assert.That(await Repository.ListPromisesAsync("test", 10, 0, None), Is.Empty);
    }

    [Test]
    public async Task PollTaskAsync_Claims_SetsClaimFieldsAndEmptyConsumerClears()
    {
        await Repository.InsertTaskAsync(NewTask("1") with { Consumer = "old", Producer = "p" }, None);
        Time.Advance(TimeSpan.FromSeconds(1));

        var claimed = await Repository.PollTaskAsync("test", new Promise("", "", Now.AddMinutes(1)), None);

        Assert.That(claimed.State, Is.EqualTo(TaskState.Active));
        Assert.That(claimed.Nonce, Has.Length.EqualTo(Nonce.Length));
        Assert.That(claimed.Consumer, Is.Null);
        Assert.That(claimed.Producer, Is.EqualTo("p"));
        Assert.That(claimed.Consumed, Is.EqualTo((Timestamp)Now.AddSeconds(1)));
        Assert.That(claimed.Deadline, Is.EqualTo((Timestamp)Now.AddMinutes(1)));
        Assert.That(await Repository.GetPromiseAsync("1", None), Is.EqualTo(new Promise("1", null, Now.AddMinutes(1))));
    }

    [Test]
    public async Task InsertPromiseAsync_PendingInFuture_ClaimsAnyway()
    {
        await Repository.InsertTaskAsync(NewTask("1") with { Scheduled = Now.AddHours(1) }, None);

        Assert.That((await Repository.InsertPromiseAsync(new Promise("1", null, Now.AddMinutes(1)), None)).State, Is.EqualTo(TaskState.Active));
    }

    [Test]
    public async Task UpsertPromiseAsync_ActiveTask_ReclaimsWithNewNonce()
    {
        await Repository.InsertTaskAsync(NewTask("1"), None);
        var first = await Repository.PollTaskAsync("test", Wildcard(), None);

        var second = await Repository.UpsertPromiseAsync(new Promise("1", "other", Now.AddMinutes(2)), None);

        Assert.That(second.Nonce, Is.Not.EqualTo(first.Nonce));
        Assert.ThrowsAsync<ConflictException>(async () => await Repository.CommitTaskAsync("1", new Commit { Nonce = first.Nonce }, None));
    }

    [Test]
    public async Task DeletePromiseAsync_Active_BackToPendingKeepingClaimFields()
    {
        await Repository.InsertTaskAsync(NewTask("1"), None);
        var claimed = await Repository.PollTaskAsync("test", Wildcard(), None);

        Assert.That((await Repository.DeletePromiseAsync("1", None)).Deleted, Is.EqualTo(1));
        Assert.That((await Repository.DeletePromiseAsync("1", None)).Deleted, Is.Zero);

        var task = await Repository.GetTaskAsync("1", None);
        Assert.That(task.State, Is.EqualTo(TaskState.Pending));
        Assert.That(task.Nonce, Is.Empty);
        Assert.That(task.Consumer, Is.EqualTo(claimed.Consumer));
        Assert.That(task.Consumed, Is.EqualTo(claimed.Consumed));
        Assert.That(task.Deadline, Is.EqualTo(claimed.Deadline));
        Assert.That((await Repository.PollTaskAsync("test", Wildcard(), None)).Id, Is.EqualTo("1"));
    }

    [Test]
    public async Task PollTaskAsync_PromiseNamesTask_ClaimsByIdInAnyTopic()
    {
        await Repository.InsertTaskAsync(NewTask("1", "elsewhere") with { Scheduled = Now.AddHours(1) }, None);

        Assert.That((await Repository.PollTaskAsync("test", new Promise("1", null, Now.AddMinutes(1)), None)).Id, Is.EqualTo("1"));
        Assert.ThrowsAsync<ConflictException>(async () => await Repository.PollTaskAsync("test", new Promise("1", null, Now), None));
    }

    // Journal

    [Test]
    public async Task Journal_EveryMutation_RecordedInOrder()
    {
        var journal = new RecordingJournal();
        var repository = CreateMemDb(new MemDbOptions { RetentionPeriod = TimeSpan.FromMinutes(1) }, journal);
        await repository.OpenAsync(None);

        await repository.InsertTaskAsync(NewTask("1"), None);
        var claimed = await repository.PollTaskAsync("test", new Promise("", null, Now.AddSeconds(1)), None);
        Time.Advance(TimeSpan.FromSeconds(2));
        await repository.RecoverExpiredAsync(None);
        await repository.PollTaskAsync("test", Wildcard(), None);
        await repository.CommitTaskAsync("1", new Commit(), None);
        Time.Advance(TimeSpan.FromMinutes(1));
        await repository.ChoreAsync(None);
        await repository.InsertTaskAsync(NewTask("2"), None);
        await repository.DeleteTaskAsync("2", None);
        await repository.DeleteTaskAsync("2", None);

        Assert.That(journal.Changes.Select(c => (c.Kind, c.Id, c.Task?.State)), Is.EqualTo(new (TaskChangeKind, string, TaskState?)[]
        {
            (TaskChangeKind.Put, "1", TaskState.Pending),
            (TaskChangeKind.Put, "1", TaskState.Active),
            (TaskChangeKind.Put, "1", TaskState.Pending),
            (TaskChangeKind.Put, "1", TaskState.Active),
            (TaskChangeKind.Put, "1", TaskState.Completed),
            (TaskChangeKind.Delete, "1", null),
            (TaskChangeKind.Put, "2", TaskState.Pending),
            (TaskChangeKind.Delete, "2", null),
        }));
        Assert.That(journal.Changes[1].Task!.Nonce, Is.EqualTo(claimed.Nonce));
    }

    private async Task WriteSnapshotAsync(int count)
    {
        var repository = CreateMemDb(SnapshotOptions());
        await repository.OpenAsync(None);
        for (var i = 0; i < count; i++)
        {
            await repository.InsertTaskAsync(NewTask($"task-{i}", payload: $"{{\"n\":{i},\"text\":\"some payload text\"}}"), None);
        }

        await repository.CloseAsync(None);
    }

    private async Task<int> CountInSnapshotAsync()
    {
        var copy = Path.Combine(_directory, "copy", "test.db");
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        File.Copy(SnapshotPath, copy, overwrite: true);
        var repository = CreateMemDb(new MemDbOptions { SnapshotPath = copy });
        await repository.OpenAsync(None);
        var count = (await repository.ListTasksAsync("test", 100, 0, None)).Count;
        Directory.Delete(Path.GetDirectoryName(copy)!, recursive: true);
        return count;
    }

    private sealed class RecordingJournal : ITaskJournal
    {
        public List<TaskChange> Changes { get; } = [];

        public void Append(in TaskChange change) => Changes.Add(change);
    }
}
