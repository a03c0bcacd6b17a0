using Ratus.Domain.Tasks;

namespace Ratus.Infrastructure.InMemory;

/// Receives every state change of the in-memory engine, in order and inside its lock, so that an
/// append-only log can later be written from it. Implementations must be fast and must not call back into the engine.
public interface ITaskJournal
{
    void Append(in TaskChange change);
}

public enum TaskChangeKind
{
    Put = 1,
    Delete = 2,
}

/// One change: a task stored (created or replaced) or an ID removed. A struct, so journaling allocates nothing.
public readonly record struct TaskChange(TaskChangeKind Kind, string Id, RatusTask? Task)
{
    public static TaskChange Put(RatusTask task) => new(TaskChangeKind.Put, task.Id, task);

    public static TaskChange Delete(string id) => new(TaskChangeKind.Delete, id, null);
}
