namespace Ratus.Infrastructure.InMemory;

/// Ordinal string order for task IDs, as a struct so <see cref="SortedChunks{T, TComparer}"/> calls it directly.
internal readonly struct OrdinalComparer : IComparer<string>
{
    public int Compare(string? x, string? y) => string.CompareOrdinal(x, y);
}

/// A type's own order (<see cref="IComparable{T}"/>), called without boxing.
internal readonly struct ComparableComparer<T> : IComparer<T>
    where T : IComparable<T>
{
    public int Compare(T? x, T? y) => x!.CompareTo(y!);
}
