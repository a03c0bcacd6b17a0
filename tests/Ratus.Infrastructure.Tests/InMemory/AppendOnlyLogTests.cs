using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Ratus.Domain.Commits;
using Ratus.Domain.Errors;
using Ratus.Domain.Promises;
using Ratus.Domain.Tasks;
using Ratus.Domain.Time;
using Ratus.Infrastructure.InMemory;
using Ratus.Infrastructure.Tests.Support;

namespace Ratus.Infrastructure.Tests.InMemory;

[TestFixture]
public sealed class AppendOnlyLogTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
    private readonly List<InMemoryTaskRepository> _open = [];
    private string _directory = null!;

    private string AofPath => Path.Combine(_directory, "ratus.aof");

    [SetUp]
    public void CreateDirectory()
    {
        _directory = Path.Combine(Path.GetTempPath(), $"ratus-aof-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void DeleteDirectory()
    {
        foreach (var repository in _open)
        {
            repository.Abandon();
        }

        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public async Task Replay_RandomOperations_ReopensToTheSameState([Values] AofFsyncMode mode)
    {
        var writer = await OpenAsync(Options(mode));
        await RunRandomOperationsAsync(writer, new Random(42), 600);
        var before = await DumpAsync(writer);
        writer.Abandon();

        var reader = await OpenAsync(Options(mode));
        Assert.That(await DumpAsync(reader), Is.EqualTo(before));
        Assert.That(before, Has.Count.GreaterThan(20));
    }

    [Test]
    public async Task Replay_AfterASnapshot_ReplaysOnlyTheNewLog()
    {
        var options = Options(AofFsyncMode.Always);
        var writer = await OpenAsync(options);
        await RunRandomOperationsAsync(writer, new Random(7), 200);
        await writer.ChoreAsync(None); // the first chore writes a snapshot and rotates the log
        await RunRandomOperationsAsync(writer, new Random(8), 200);
        var before = await DumpAsync(writer);
        writer.Abandon();

        Assert.That(File.Exists(options.EffectiveSnapshotPath), Is.True);
        Assert.That(Directory.GetFiles(_directory, "ratus.aof.gen*"), Is.Empty);
        var reader = await OpenAsync(options);
        Assert.That(await DumpAsync(reader), Is.EqualTo(before));
    }

    [Test]
    public async Task Always_ConcurrentWriters_ShareFsyncs()
    {
        // A fast disk can sync each writer before the next arrives, so the flusher is held while all 400 append: the
        // test then checks that one round acknowledges every writer waiting behind it.
        var engine = await OpenAsync(Options(AofFsyncMode.Always));
        var log = engine.Log!;
        var before = log.SyncCount;
        var appendedBefore = log.Appended;
        using var held = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var holder = Task.Factory.StartNew(() => log.HoldFlushes(held, release), TaskCreationOptions.LongRunning);
        Assert.That(held.Wait(WaitLimit), Is.True, "the flusher was not held");

        // Every writer must be appended while the flusher is held, or a late one needs an fsync of its own.
        var writers = Enumerable.Range(0, 400).Select(i => engine.InsertTaskAsync(NewTask($"g{i}"), None).AsTask()).ToArray();
        var deadline = DateTime.UtcNow + WaitLimit;
        while (log.Appended - appendedBefore < 400 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        Assert.That(log.Appended - appendedBefore, Is.EqualTo(400), "not every writer was appended");
        Assert.That(writers.Count(w => w.IsCompleted), Is.Zero, "acknowledged before its fsync");
        release.Set();
        await holder;
        await Task.WhenAll(writers);

        var syncs = log.SyncCount - before;
        TestContext.Out.WriteLine($"400 concurrent inserts, {syncs} fsyncs");
        Assert.That(syncs, Is.InRange(1, 2));
        engine.Abandon();
        var reader = await OpenAsync(Options(AofFsyncMode.Always));
        Assert.That(await DumpAsync(reader), Has.Count.EqualTo(400));
    }

    [Test]
    public async Task TornTail_IsTruncatedAndNotReplayed()
    {
        var writer = await OpenAsync(Options(AofFsyncMode.Always));
        for (var i = 0; i < 10; i++)
        {
            await writer.InsertTaskAsync(NewTask($"t{i}"), None);
        }

        writer.Abandon();
        var length = new FileInfo(AofPath).Length;
        using (var stream = new FileStream(AofPath, FileMode.Open))
        {
            stream.SetLength(length - 7); // mid-way through the last record
        }

        var reader = await OpenAsync(Options(AofFsyncMode.Always));
        var tasks = await DumpAsync(reader);
        Assert.That(tasks.Keys, Is.EquivalentTo(Enumerable.Range(0, 9).Select(i => $"t{i}")));

        // The torn bytes are gone, so new records follow the last good one.
        await reader.InsertTaskAsync(NewTask("after"), None);
        reader.Abandon();
        var again = await OpenAsync(Options(AofFsyncMode.Always));
        Assert.That((await DumpAsync(again)).Keys, Has.Member("after").And.Member("t8").And.No.Member("t9"));
    }

    [Test]
    public async Task MiddleCorruption_StopsStartUpNamingFileAndOffset_UnlessRepair()
    {
        var writer = await OpenAsync(Options(AofFsyncMode.Always));
        for (var i = 0; i < 5; i++)
        {
            await writer.InsertTaskAsync(NewTask($"t{i}"), None);
        }

        writer.Abandon();
        var bytes = File.ReadAllBytes(AofPath);
        var firstLength = BitConverter.ToInt32(bytes, AppendOnlyLog.HeaderSize);
        var secondOffset = AppendOnlyLog.HeaderSize + 8 + firstLength;
        bytes[secondOffset + 12] ^= 0xFF; // inside the second record's payload
        File.WriteAllBytes(AofPath, bytes);

        var refused = new InMemoryTaskRepository(Microsoft.Extensions.Options.Options.Create(Options(AofFsyncMode.Always)), _time, NullLogger<InMemoryTaskRepository>.Instance);
        var error = Assert.ThrowsAsync<InvalidDataException>(async () => await refused.OpenAsync(None));
        Assert.That(error!.Message, Does.Contain(AofPath).And.Contain($"offset {secondOffset}").And.Contain("--memdb-aof-repair"));

        var options = Options(AofFsyncMode.Always);
        options.AofRepair = true;
        var repaired = await OpenAsync(options);
        Assert.That((await DumpAsync(repaired)).Keys, Is.EquivalentTo(new[] { "t0" }));
    }

    // In `always` mode each write waits for its fsync, so compactions keep pace with the writers and bound the log;
    // without, the whole run can fit in the time of one compaction (SizeLimit_ReachedByInlineWrites_Compacts covers those).
    [Test]
    public async Task Compaction_UnderConcurrentWriters_LosesNothing()
    {
        var options = Options(AofFsyncMode.Always);
        options.AofMaxSize = 4096;
        var engine = await OpenAsync(options);
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 250; i++)
            {
                await engine.InsertTaskAsync(NewTask($"w{w}-{i}", payload: $"{{\"n\":{i}}}"), None);
                if (i % 5 == 0)
                {
                    var claimed = await engine.InsertPromiseAsync(new Promise($"w{w}-{i}", "c", null), None);
                    await engine.CommitTaskAsync(claimed.Id, new Commit { Nonce = claimed.Nonce }, None);
                }

                if (i % 50 == 0)
                {
                    await engine.ChoreAsync(None);
                }
            }
        })).ToArray();
        await Task.WhenAll(writers);
        var before = await DumpAsync(engine);
        engine.Abandon();

        Assert.That(before, Has.Count.EqualTo(1000));
        Assert.That(SnapshotFile.ReadWithGeneration(options.EffectiveSnapshotPath)!.Value.LogGeneration, Is.GreaterThan(2));
        Assert.That(new FileInfo(AofPath).Length, Is.LessThan(1000 * 60));
        var reader = await OpenAsync(options);
        Assert.That(await DumpAsync(reader), Is.EqualTo(before));
    }

    // Without `always`, requests usually write the log themselves rather than the flusher: they must raise the size
    // limit's compaction too.
    [TestCase(AofFsyncMode.No)]
    [TestCase(AofFsyncMode.Everysec)]
    public async Task SizeLimit_ReachedByInlineWrites_Compacts(AofFsyncMode mode)
    {
        var options = Options(mode);
        options.AofMaxSize = 4096;
        var engine = await OpenAsync(options);
        var generation = engine.Log!.Generation;
        for (var i = 0; i < 200; i++)
        {
            await engine.InsertTaskAsync(NewTask($"s{i}", payload: $"{{\"n\":{i}}}"), None);
        }

        var deadline = DateTime.UtcNow + WaitLimit;
        while (engine.Log.Generation == generation && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.That(engine.Log.Generation, Is.GreaterThan(generation));
        var before = await DumpAsync(engine);
        engine.Abandon();
        var reader = await OpenAsync(options);
        Assert.That(await DumpAsync(reader), Is.EqualTo(before));
    }

    [Test]
    public async Task Crash_BetweenRotationAndSnapshot_ReplaysTheRotatedLog()
    {
        var options = Options(AofFsyncMode.Always);
        var writer = await OpenAsync(options);
        await writer.InsertTaskAsync(NewTask("a"), None);
        writer.Abandon();

        // As if the process died after sealing generation 1 but before the snapshot covering it was written.
        File.Move(AofPath, AppendOnlyLog.RotatedPath(AofPath, 1));
        var second = await OpenAsync(options);
        await second.InsertTaskAsync(NewTask("b"), None);
        second.Abandon();

        var reader = await OpenAsync(options);
        Assert.That((await DumpAsync(reader)).Keys, Is.EquivalentTo(new[] { "a", "b" }));
    }

    [Test]
    public async Task Replay_Nanoseconds_ReopenExactly()
    {
        var writer = await OpenAsync(Options(AofFsyncMode.Always));
        var now = _time.GetUtcNow().UtcDateTime;
        await writer.InsertTaskAsync(NewTask("a") with
        {
            Produced = new Timestamp(now.Ticks, 1),
            Scheduled = new Timestamp(now.Ticks, 99),
            Consumed = new Timestamp(now.Ticks, 50),
            Deadline = new Timestamp(now.Ticks + 1, 2),
        }, None);
        await writer.InsertTaskAsync(NewTask("b"), None);
        var claimed = await writer.InsertPromiseAsync(new Promise("b", "c", new Timestamp(now.AddMinutes(1).Ticks, 3)), None);
        await writer.CommitTaskAsync("b", new Commit { Nonce = claimed.Nonce, State = TaskState.Pending, Scheduled = new Timestamp(now.Ticks, 4) }, None);
        var before = await DumpAsync(writer);
        writer.Abandon();

        var reader = await OpenAsync(Options(AofFsyncMode.Always));
        Assert.That(await DumpAsync(reader), Is.EqualTo(before));
        var a = await reader.GetTaskAsync("a", None);
        var b = await reader.GetTaskAsync("b", None);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(a.Produced, Is.EqualTo(new Timestamp(now.Ticks, 1)));
            Assert.That(a.Scheduled, Is.EqualTo(new Timestamp(now.Ticks, 99)));
            Assert.That(a.Consumed, Is.EqualTo(new Timestamp(now.Ticks, 50)));
            Assert.That(a.Deadline, Is.EqualTo(new Timestamp(now.Ticks + 1, 2)));
            Assert.That(b.Deadline, Is.EqualTo(new Timestamp(now.AddMinutes(1).Ticks, 3)));
            Assert.That(b.Scheduled, Is.EqualTo(new Timestamp(now.Ticks, 4)));
        }
    }

    // A log of format 1 (before the nanoseconds beyond the tick), laid out byte by byte as that server wrote it: it is
    // replayed, then goes on in the current format, so records with nanoseconds can follow its own.
    [Test]
    public async Task FormatVersion1Log_Replays_AndGoesOnInTheCurrentFormat()
    {
        var produced = new DateTime(2025, 6, 7, 8, 9, 10, DateTimeKind.Utc).AddTicks(1234);
        using (var file = File.Create(AofPath))
        {
            Span<byte> header = stackalloc byte[AppendOnlyLog.HeaderSize];
            "RATUSAOF"u8.CopyTo(header);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(header[8..], 1);
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(header[12..], 1);
            file.Write(header);

            using var payload = new MemoryStream();
            var record = new SnapshotWriter(payload);
            record.WriteByte(1); // a put
            record.WriteByte((byte)TaskState.Pending);
            record.WriteByte(1 | 4 | 8); // producer, produced, scheduled
            record.WriteString("old");
            record.WriteString("topic");
            record.WriteString("");
            record.WriteString("p");
            record.WriteInt64(produced.Ticks);
            record.WriteInt64(produced.Ticks);
            var crc = record.Complete();
            Span<byte> frame = stackalloc byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)payload.Length);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(frame[4..], crc);
            file.Write(frame);
            file.Write(payload.ToArray());
        }

        var writer = await OpenAsync(Options(AofFsyncMode.Always));
        Assert.That((await writer.GetTaskAsync("old", None)).Produced, Is.EqualTo((Timestamp)produced));
        await writer.InsertTaskAsync(NewTask("new") with { Scheduled = new Timestamp(produced.Ticks, 1) }, None);
        writer.Abandon();

        Assert.That(System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(File.ReadAllBytes(AofPath).AsSpan(8)),
            Is.EqualTo(AppendOnlyLog.FormatVersion));
        var reader = await OpenAsync(Options(AofFsyncMode.Always));
        using (Assert.EnterMultipleScope())
        {
            Assert.That((await reader.GetTaskAsync("old", None)).Scheduled, Is.EqualTo((Timestamp)produced));
            Assert.That((await reader.GetTaskAsync("new", None)).Scheduled, Is.EqualTo(new Timestamp(produced.Ticks, 1)));
        }
    }

    private static RatusTask NewTask(string id, string topic = "topic", string? payload = null) => new()
    {
        Id = id,
        Topic = topic,
        State = TaskState.Pending,
        Producer = "p",
        Produced = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        Scheduled = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        Payload = payload is null ? null : Encoding.UTF8.GetBytes(payload),
    };

    private static async Task<Dictionary<string, string>> DumpAsync(InMemoryTaskRepository engine)
    {
        var dump = new Dictionary<string, string>();
        foreach (var topic in await engine.ListTopicsAsync(10_000, 0, None))
        {
            foreach (var task in await engine.ListTasksAsync(topic.Name, 100_000, 0, None))
            {
                dump[task.Id] = string.Join('|', task.Topic, task.State, task.Nonce, task.Producer, task.Consumer, task.Produced,
                    task.Scheduled, task.Consumed, task.Deadline,
                    task.Payload is null ? "-" : Convert.ToHexString(task.Payload), task.TraceParent);
            }
        }

        return dump;
    }

    private async Task RunRandomOperationsAsync(InMemoryTaskRepository engine, Random random, int count)
    {
        var topics = new[] { "a", "b", "c" };
        for (var i = 0; i < count; i++)
        {
            var id = $"id{random.Next(80)}";
            var topic = topics[random.Next(topics.Length)];
            _time.Advance(TimeSpan.FromMilliseconds(random.Next(1, 50)));
            try
            {
                switch (random.Next(9))
                {
                    case 0 or 1:
                        await engine.InsertTaskAsync(NewTask(id, topic, $"{{\"i\":{i}}}"), None);
                        break;
                    case 2:
                        await engine.UpsertTasksAsync([NewTask(id, topic, "[1,2]") with { TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" }], None);
                        break;
                    case 3:
                        await engine.PollTaskAsync(topic, new Promise("", "consumer", _time.GetUtcNow().UtcDateTime.AddMilliseconds(random.Next(10, 500))), None);
                        break;
                    case 4:
                        var task = await engine.GetTaskAsync(id, None);
                        await engine.CommitTaskAsync(id, new Commit { Nonce = task.Nonce, Payload = Encoding.UTF8.GetBytes("\"done\"") }, None);
                        break;
                    case 5:
                        await engine.DeleteTaskAsync(id, None);
                        break;
                    case 6:
                        await engine.DeletePromiseAsync(id, None);
                        break;
                    case 7:
                        await engine.RecoverExpiredAsync(None);
                        break;
                    case 8 when random.Next(20) == 0:
                        await engine.DeleteTopicAsync(topic, None);
                        break;
                }
            }
            catch (Exception exception) when (exception is NotFoundException or ConflictException)
            {
                // Part of the random walk.
            }
        }
    }

    private MemDbOptions Options(AofFsyncMode mode) => new()
    {
        AofPath = AofPath,
        AofFsync = mode,
        SnapshotInterval = TimeSpan.FromMinutes(5),
        RetentionPeriod = TimeSpan.FromHours(1),
    };

    private async Task<InMemoryTaskRepository> OpenAsync(MemDbOptions options)
    {
        var engine = new InMemoryTaskRepository(Microsoft.Extensions.Options.Options.Create(options), _time, NullLogger<InMemoryTaskRepository>.Instance);
        await engine.OpenAsync(None);
        _open.Add(engine);
        return engine;
    }
}
