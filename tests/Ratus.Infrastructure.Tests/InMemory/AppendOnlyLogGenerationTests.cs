using Microsoft.Extensions.Time.Testing;
using Ratus.Infrastructure.InMemory;
using Ratus.Infrastructure.Tests.Support;
using static Ratus.Infrastructure.Tests.Support.MemDbState;

namespace Ratus.Infrastructure.Tests.InMemory;

/// The snapshot names the log generation that starts where it ends; start-up refuses logs that do not continue it
/// (older, missing, empty, or with a generation missing in between) unless --memdb-aof-repair.
[TestFixture]
public sealed class AppendOnlyLogGenerationTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
    private readonly List<InMemoryTaskRepository> _open = [];
    private string _directory = null!;

    private string AofPath => Path.Combine(_directory, "ratus.aof");

    private string SnapshotPath => AofPath + ".snapshot";

    [SetUp]
    public void CreateDirectory()
    {
        _directory = Path.Combine(Path.GetTempPath(), $"ratus-aof-generation-{Guid.NewGuid():N}");
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
    public async Task LogOlderThanTheSnapshot_RefusesToStart_UnlessRepairDiscardsIt()
    {
        var first = await OpenAsync();
        await first.InsertTaskAsync(NewTask("a"), None);
        await first.InsertTaskAsync(NewTask("b"), None);
        first.Abandon();
        var old = Path.Combine(_directory, "old.aof");
        File.Copy(AofPath, old);

        var second = await OpenAsync();
        await second.DeleteTaskAsync("b", None);
        await second.CloseAsync(None); // the final snapshot hands over to generation 2
        File.Copy(old, AofPath, overwrite: true);

        var error = Assert.ThrowsAsync<InvalidDataException>(() => OpenAsync());
        Assert.That(error!.Message, Does.Contain(AofPath).And.Contain(SnapshotPath).And.Contain("generation 1")
            .And.Contain("generation 2").And.Contain("--memdb-aof-repair"));

        var repaired = await OpenAsync(repair: true);
        Assert.That((await DumpAsync(repaired)).Keys, Is.EquivalentTo(new[] { "a" }));
        await repaired.InsertTaskAsync(NewTask("c"), None);
        repaired.Abandon();
        Assert.That((await DumpAsync(await OpenAsync())).Keys, Is.EquivalentTo(new[] { "a", "c" }));
    }

    [Test]
    public async Task LogMissing_SnapshotNamesOne_RefusesToStart_UnlessRepair()
    {
        var writer = await OpenAsync();
        await writer.InsertTaskAsync(NewTask("a"), None);
        await writer.ChoreAsync(None);
        await writer.InsertTaskAsync(NewTask("b"), None);
        writer.Abandon();
        File.Delete(AofPath);

        var error = Assert.ThrowsAsync<InvalidDataException>(() => OpenAsync());
        Assert.That(error!.Message, Does.Contain(AofPath).And.Contain(SnapshotPath).And.Contain("--memdb-aof-repair"));

        var repaired = await OpenAsync(repair: true);
        Assert.That((await DumpAsync(repaired)).Keys, Is.EquivalentTo(new[] { "a" }));
    }

    [Test]
    public async Task LogEmpty_RefusesToStart_UnlessRepair()
    {
        var writer = await OpenAsync();
        await writer.InsertTaskAsync(NewTask("a"), None);
        await writer.ChoreAsync(None);
        await writer.InsertTaskAsync(NewTask("b"), None);
        writer.Abandon();
        File.WriteAllBytes(AofPath, []);

        var error = Assert.ThrowsAsync<InvalidDataException>(() => OpenAsync());
        Assert.That(error!.Message, Does.Contain(AofPath).And.Contain("empty").And.Contain("--memdb-aof-repair"));

        var repaired = await OpenAsync(repair: true);
        Assert.That((await DumpAsync(repaired)).Keys, Is.EquivalentTo(new[] { "a" }));
    }

    [Test]
    public async Task GenerationMissingInBetween_RefusesToStart_UnlessRepairReplaysTheRest()
    {
        var writer = await OpenAsync();
        await writer.InsertTaskAsync(NewTask("a"), None);
        await writer.ChoreAsync(None); // snapshot hands over to generation 2
        await writer.InsertTaskAsync(NewTask("b"), None);
        writer.Abandon();

        // As if a compaction had rotated generation 2 and died before its snapshot, and then generation 2 was lost.
        File.Move(AofPath, AppendOnlyLog.RotatedPath(AofPath, 2));
        var next = await OpenAsync();
        await next.InsertTaskAsync(NewTask("c"), None);
        next.Abandon();
        File.Delete(AppendOnlyLog.RotatedPath(AofPath, 2));

        var error = Assert.ThrowsAsync<InvalidDataException>(() => OpenAsync());
        Assert.That(error!.Message, Does.Contain(AofPath).And.Contain("generation 3").And.Contain("generation 2").And.Contain("--memdb-aof-repair"));

        var repaired = await OpenAsync(repair: true);
        Assert.That((await DumpAsync(repaired)).Keys, Is.EquivalentTo(new[] { "a", "c" }));
    }

    // Legitimate starts stay silent: a first start, a log turned on next to a snapshot written without one, and a
    // compaction that died between its rotation and its snapshot (AppendOnlyLogTests covers that one).
    [Test]
    public async Task SnapshotWrittenWithoutTheLog_ThenTheLogTurnedOn_Starts()
    {
        var withoutLog = await OpenAsync(aof: false);
        await withoutLog.InsertTaskAsync(NewTask("a"), None);
        await withoutLog.CloseAsync(None);

        var withLog = await OpenAsync();
        await withLog.InsertTaskAsync(NewTask("b"), None);
        withLog.Abandon();
        Assert.That((await DumpAsync(await OpenAsync())).Keys, Is.EquivalentTo(new[] { "a", "b" }));
    }

    private async Task<InMemoryTaskRepository> OpenAsync(bool repair = false, bool aof = true)
    {
        var options = new MemDbOptions
        {
            SnapshotPath = SnapshotPath,
            AofPath = aof ? AofPath : "",
            AofFsync = AofFsyncMode.Always,
            AofRepair = repair,
        };
        var engine = new InMemoryTaskRepository(
            Microsoft.Extensions.Options.Options.Create(options), _time, new RecordingLogger<InMemoryTaskRepository>());
        await engine.OpenAsync(None);
        _open.Add(engine);
        return engine;
    }
}
