namespace Ratus.Infrastructure.InMemory;

/// The per-topic indexes. <see cref="Pending"/> holds pending tasks that have a scheduled time, keyed by
/// (scheduled Unix ms, ID); <see cref="Active"/> holds active task IDs; <see cref="StateCounts"/> counts tasks by state.
internal sealed class TopicIndex(string name)
{
    public string Name { get; } = name;

    public SortedSet<string> Ids { get; } = new(StringComparer.Ordinal);

    public SortedSet<TimeKey> Pending { get; } = [];

    public SortedSet<string> Active { get; } = new(StringComparer.Ordinal);

    public long[] StateCounts { get; } = new long[4];
}
