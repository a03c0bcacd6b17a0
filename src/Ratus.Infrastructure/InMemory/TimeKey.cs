using Ratus.Domain.Time;

namespace Ratus.Infrastructure.InMemory;

/// An index key ordered by a time value, then by task ID (ordinal). Kept small: it lives in a tree node per task.
internal readonly record struct TimeKey(long Time, string Id) : IComparable<TimeKey>
{
    private const long UnixEpochMilliseconds = 62_135_596_800_000;

    public int CompareTo(TimeKey other)
    {
        var byTime = Time.CompareTo(other.Time);
        return byTime != 0 ? byTime : string.CompareOrdinal(Id, other.Id);
    }

    /// Unix milliseconds, floored: DateTime ticks are non-negative and the epoch is a whole millisecond,
    /// so integer division floors for every instant, including those before 1970.
    public static long ToUnixMilliseconds(Timestamp time) =>
        time.Ticks / TimeSpan.TicksPerMillisecond - UnixEpochMilliseconds;
}
