namespace Ratus.Infrastructure.InMemory;

/// The per-topic indexes. <see cref="Pending"/> holds pending tasks that have a scheduled time, keyed by
/// (scheduled Unix ms, ID); <see cref="Active"/> holds active task IDs; <see cref="StateCounts"/> counts tasks by state.
internal sealed class TopicIndex(string name)
{
    public string Name { get; } = name;

    public SortedChunks<string, OrdinalComparer> Ids { get; } = new();

    public SortedChunks<TimeKey, ComparableComparer<TimeKey>> Pending { get; } = new();

    public SortedChunks<string, OrdinalComparer> Active { get; } = new();

    public long[] StateCounts { get; } = new long[4];
}
