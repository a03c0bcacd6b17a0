using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Ratus.Domain.Commits;
using Ratus.Domain.Promises;
using Ratus.Domain.Tasks;
using Ratus.Infrastructure.InMemory;

namespace Ratus.Benchmarks;

// The memdb engine on its own (log and snapshots off), against a backlog of pending tasks in one topic. Every benchmark
// leaves the backlog as it found it, so each invocation sees the same queue size: a push is undone by a delete, and a
// claim by a commit that puts the task back at the end of the queue. Such pairs are measured together.
[MemoryDiagnoser]
public class EngineBenchmarks
{
    private InMemoryTaskRepository _engine = null!;
    private string[] _ids = null!;
    private string _topic = null!;
    private RatusTask _pushed = null!;
    private Promise _promise = null!;
    private long _tail;
    private int _next;

    [Params(1_000, 100_000, 1_000_000)]
    public int Backlog { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _engine = new InMemoryTaskRepository(
            Options.Create(new MemDbOptions()), TimeProvider.System, NullLogger<InMemoryTaskRepository>.Instance);
        await _engine.OpenAsync(CancellationToken.None);
        _ids = await Fixture.FillAsync(_engine, Backlog);

        _topic = Fixture.WireTopic();
        _tail = Backlog;
        var now = DateTime.UtcNow;
        _pushed = new RatusTask { Id = "pushed", Topic = _topic, Produced = now, Scheduled = now, Payload = Fixture.Payload() };
        _promise = new Promise("", "bench", now.AddDays(1));
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _engine.CloseAsync(CancellationToken.None);

    // A new task at the end of the queue, then deleted again.
    [Benchmark(Description = "push + delete")]
    public async ValueTask<long> PushDelete()
    {
        var pushed = await _engine.InsertTaskAsync(_pushed, CancellationToken.None);
        var deleted = await _engine.DeleteTaskAsync(_pushed.Id, CancellationToken.None);
        return pushed.Created + deleted.Deleted;
    }

    // Claims the oldest due task, then commits it with its nonce back to pending, rescheduled behind every other task:
    // the queue rotates, so each poll takes a task that has not been touched for a whole backlog's worth of polls.
    [Benchmark(Description = "poll + commit")]
    public async ValueTask<TaskState> PollCommit()
    {
        var claimed = (await _engine.TryPollTaskAsync(_topic, _promise, CancellationToken.None))!;
        var commit = new Commit { Nonce = claimed.Nonce, State = TaskState.Pending, Scheduled = Fixture.Scheduled(_tail++) };
        var committed = await _engine.CommitTaskAsync(claimed.Id, commit, CancellationToken.None);
        return committed.State;
    }

    // The commit half of the pair above on its own: a forced commit (no nonce) that reschedules the oldest pending task
    // behind every other, in the same rotating order. Subtracted from the pair, it estimates what a poll costs.
    [Benchmark(Description = "commit (no nonce)")]
    public async ValueTask<TaskState> Commit()
    {
        var id = _ids[_next];
        _next = _next + 1 == _ids.Length ? 0 : _next + 1;
        var commit = new Commit { State = TaskState.Pending, Scheduled = Fixture.Scheduled(_tail++) };
        var committed = await _engine.CommitTaskAsync(id, commit, CancellationToken.None);
        return committed.State;
    }

    [Benchmark(Description = "list 10")]
    public async ValueTask<int> List()
    {
        var page = await _engine.ListTasksAsync(_topic, 10, 0, CancellationToken.None);
        return page.Count;
    }
}
