using Ratus.Application.Abstractions;
using Ratus.Domain.Commits;
using Ratus.Domain.Common;
using Ratus.Domain.Promises;
using Ratus.Domain.Tasks;
using Ratus.Domain.Topics;

namespace Ratus.Infrastructure.Tests.Fakes;

/// Counts the lifecycle and background calls; every data operation is out of scope for these tests.
internal sealed class CountingTaskRepository : ITaskRepository
{
    private int _opened;
    private int _closed;
    private int _chores;
    private int _recoveries;

    public int Opened => Volatile.Read(ref _opened);

    public int Closed => Volatile.Read(ref _closed);

    public int Chores => Volatile.Read(ref _chores);

    public int Recoveries => Volatile.Read(ref _recoveries);

    /// Thrown by OpenAsync when set.
    public Exception? OpenFailure { get; init; }

    /// Thrown by CheckReadyAsync when set.
    public Exception? ReadyFailure { get; init; }

    /// Decides, per chore call number (1-based), whether that call throws.
    public Func<int, bool> ChoreFails { get; init; } = _ => false;

    /// Thrown by every ChoreAsync and RecoverExpiredAsync call when set (after counting it), as by an engine whose
    /// storage cannot be reached.
    public Exception? Outage { get; init; }

    public ValueTask OpenAsync(CancellationToken cancellationToken)
    {
        if (OpenFailure is not null)
        {
            throw OpenFailure;
        }

        Interlocked.Increment(ref _opened);
        return ValueTask.CompletedTask;
    }

    public ValueTask CloseAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _closed);
        return ValueTask.CompletedTask;
    }

    public ValueTask CheckReadyAsync(CancellationToken cancellationToken) =>
        ReadyFailure is null ? ValueTask.CompletedTask : throw ReadyFailure;

    public ValueTask ChoreAsync(CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref _chores);
        if (Outage is not null)
        {
            throw Outage;
        }

        return ChoreFails(call) ? throw new InvalidOperationException($"chore {call} failed") : ValueTask.CompletedTask;
    }

    public ValueTask<long> RecoverExpiredAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _recoveries);
        return Outage is null ? ValueTask.FromResult(0L) : throw Outage;
    }

    public ValueTask<IReadOnlyList<TopicStatistics>> GetStatisticsAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<TopicStatistics>>([]);

    public ValueTask<IReadOnlyList<Topic>> ListTopicsAsync(int limit, int offset, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public ValueTask<DeleteResult> DeleteTopicsAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    public ValueTask<Topic> GetTopicAsync(string topic, CancellationToken cancellationToken) => throw new NotSupportedException();

    public ValueTask<DeleteResult> DeleteTopicAsync(string topic, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public ValueTask<IReadOnlyList<RatusTask>> ListTasksAsync(string topic, int limit, int offset, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public ValueTask<UpdateResult> InsertTasksAsync(IReadOnlyList<RatusTask> tasks, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public ValueTask<UpdateResult> UpsertTasksAsync(IReadOnlyList<RatusTask> tasks, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public ValueTask<DeleteResult> DeleteTasksAsync(string topic, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public ValueTask<RatusTask> GetTaskAsync(string id, CancellationToken cancellationToken) => throw new NotSupportedException();

    public ValueTask<UpdateResult> InsertTaskAsync(RatusTask task, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public ValueTask<UpdateResult> UpsertTaskAsync(RatusTask task, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public ValueTask<DeleteResult> DeleteTaskAsync(string id, CancellationToken cancellationToken) => throw new NotSupportedException();

    public ValueTask<RatusTask> CommitTaskAsync(string id, Commit commit, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public ValueTask<IReadOnlyList<Promise>> ListPromisesAsync(string topic, int limit, int offset, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public ValueTask<RatusTask?> TryPollTaskAsync(string topic, Promise promise, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public ValueTask<DeleteResult> DeletePromisesAsync(string topic, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public ValueTask<Promise> GetPromiseAsync(string id, CancellationToken cancellationToken) => throw new NotSupportedException();

    public ValueTask<RatusTask> InsertPromiseAsync(Promise promise, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public ValueTask<RatusTask> UpsertPromiseAsync(Promise promise, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public ValueTask<DeleteResult> DeletePromiseAsync(string id, CancellationToken cancellationToken) =>
        throw new NotSupportedException();
}
