using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ratus.Application.Abstractions;
using Ratus.Domain.Commits;
using Ratus.Domain.Common;
using Ratus.Domain.Promises;
using Ratus.Domain.Tasks;
using Ratus.Domain.Topics;

namespace Ratus.Infrastructure.InMemory;

// Placeholder so that the host branch compiles; the real engine replaces this file on merge.
// The real constructor also takes an optional ITaskJournal, a type that does not exist on this branch.
#pragma warning disable CS9113 // Parameter is unread.
public sealed class InMemoryTaskRepository(
    IOptions<MemDbOptions> options,
    TimeProvider timeProvider,
    ILogger<InMemoryTaskRepository> logger) : ITaskRepository
#pragma warning restore CS9113
{
    public ValueTask OpenAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask CloseAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask CheckReadyAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask ChoreAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<long> RecoverExpiredAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<IReadOnlyList<Topic>> ListTopicsAsync(int limit, int offset, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    public ValueTask<DeleteResult> DeleteTopicsAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<Topic> GetTopicAsync(string topic, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<DeleteResult> DeleteTopicAsync(string topic, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    public ValueTask<IReadOnlyList<RatusTask>> ListTasksAsync(string topic, int limit, int offset, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    public ValueTask<UpdateResult> InsertTasksAsync(IReadOnlyList<RatusTask> tasks, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    public ValueTask<UpdateResult> UpsertTasksAsync(IReadOnlyList<RatusTask> tasks, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    public ValueTask<DeleteResult> DeleteTasksAsync(string topic, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    public ValueTask<RatusTask> GetTaskAsync(string id, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<UpdateResult> InsertTaskAsync(RatusTask task, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    public ValueTask<UpdateResult> UpsertTaskAsync(RatusTask task, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    public ValueTask<DeleteResult> DeleteTaskAsync(string id, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<RatusTask> CommitTaskAsync(string id, Commit commit, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    public ValueTask<IReadOnlyList<Promise>> ListPromisesAsync(string topic, int limit, int offset, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    public ValueTask<RatusTask> PollTaskAsync(string topic, Promise promise, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    public ValueTask<DeleteResult> DeletePromisesAsync(string topic, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    public ValueTask<Promise> GetPromiseAsync(string id, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<RatusTask> InsertPromiseAsync(Promise promise, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    public ValueTask<RatusTask> UpsertPromiseAsync(Promise promise, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    public ValueTask<DeleteResult> DeletePromiseAsync(string id, CancellationToken cancellationToken) =>
        throw new NotImplementedException();
}
