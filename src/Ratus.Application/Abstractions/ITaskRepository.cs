using Ratus.Domain.Commits;
using Ratus.Domain.Common;
using Ratus.Domain.Promises;
using Ratus.Domain.Tasks;
using Ratus.Domain.Topics;

namespace Ratus.Application.Abstractions;

// The storage engine, shaped like the original's Engine interface. Every method is atomic.
// Engines throw <see cref="Domain.Errors.NotFoundException"/> and <see cref="Domain.Errors.ConflictException"/>
// exactly where the original returns those sentinels, and <see cref="Domain.Errors.ServiceUnavailableException"/>
// while they are not ready.
public interface ITaskRepository
{
    // Loads persisted state and makes the engine ready. Fails when persisted state cannot be read.
    ValueTask OpenAsync(CancellationToken cancellationToken);

    // Persists what must survive a restart and releases resources.
    ValueTask CloseAsync(CancellationToken cancellationToken);

    // Throws <see cref="Domain.Errors.ServiceUnavailableException"/> unless the engine can serve requests.
    ValueTask CheckReadyAsync(CancellationToken cancellationToken);

    // The periodic background job: recover expired promises, purge completed tasks past retention,
    // and any engine-specific housekeeping (snapshots).
    ValueTask ChoreAsync(CancellationToken cancellationToken);

    // Returns expired active tasks to pending; cheap enough to run every second.
    ValueTask<long> RecoverExpiredAsync(CancellationToken cancellationToken);

    // Per-topic counts by state, due count and oldest due task, for the queue gauges; sampled every few seconds.
    ValueTask<IReadOnlyList<TopicStatistics>> GetStatisticsAsync(CancellationToken cancellationToken);

    ValueTask<IReadOnlyList<Topic>> ListTopicsAsync(int limit, int offset, CancellationToken cancellationToken);

    ValueTask<DeleteResult> DeleteTopicsAsync(CancellationToken cancellationToken);

    ValueTask<Topic> GetTopicAsync(string topic, CancellationToken cancellationToken);

    ValueTask<DeleteResult> DeleteTopicAsync(string topic, CancellationToken cancellationToken);

    ValueTask<IReadOnlyList<RatusTask>> ListTasksAsync(string topic, int limit, int offset, CancellationToken cancellationToken);

    // Inserts the tasks whose IDs are new, skipping existing IDs and later duplicates within the batch.
    ValueTask<UpdateResult> InsertTasksAsync(IReadOnlyList<RatusTask> tasks, CancellationToken cancellationToken);

    // Replaces or creates each task by ID; an element that matches an existing ID (including an earlier
    // element of the same batch) counts as updated.
    ValueTask<UpdateResult> UpsertTasksAsync(IReadOnlyList<RatusTask> tasks, CancellationToken cancellationToken);

    ValueTask<DeleteResult> DeleteTasksAsync(string topic, CancellationToken cancellationToken);

    ValueTask<RatusTask> GetTaskAsync(string id, CancellationToken cancellationToken);

    // Throws <see cref="Domain.Errors.ConflictException"/> when the ID exists in any topic.
    ValueTask<UpdateResult> InsertTaskAsync(RatusTask task, CancellationToken cancellationToken);

    ValueTask<UpdateResult> UpsertTaskAsync(RatusTask task, CancellationToken cancellationToken);

    ValueTask<DeleteResult> DeleteTaskAsync(string id, CancellationToken cancellationToken);

    // Applies a commit in any current state; a non-empty nonce must match the task's.
    ValueTask<RatusTask> CommitTaskAsync(string id, Commit commit, CancellationToken cancellationToken);

    ValueTask<IReadOnlyList<Promise>> ListPromisesAsync(string topic, int limit, int offset, CancellationToken cancellationToken);

    // Claims the pending task of <paramref name="topic"/> with the earliest scheduled time that is due; null when none
    // is. Nothing due is a consumer's everyday answer, not an error, so this path throws nothing (an exception doubled
    // its cost). A promise that names a task is a claim by ID and throws as InsertPromiseAsync does.
    ValueTask<RatusTask?> TryPollTaskAsync(string topic, Promise promise, CancellationToken cancellationToken);

    ValueTask<DeleteResult> DeletePromisesAsync(string topic, CancellationToken cancellationToken);

    ValueTask<Promise> GetPromiseAsync(string id, CancellationToken cancellationToken);

    // Claims the task named by the promise only if it is pending, whatever its scheduled time.
    ValueTask<RatusTask> InsertPromiseAsync(Promise promise, CancellationToken cancellationToken);

    // Claims the task named by the promise in any state.
    ValueTask<RatusTask> UpsertPromiseAsync(Promise promise, CancellationToken cancellationToken);

    ValueTask<DeleteResult> DeletePromiseAsync(string id, CancellationToken cancellationToken);
}
