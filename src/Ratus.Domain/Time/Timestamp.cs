using System.Globalization;

namespace Ratus.Domain.Time;

// A UTC instant to the nanosecond, as RFC 3339 carries it and Go's time.Time keeps it: a DateTime tick (100 ns)
// plus the 0–99 nanoseconds beyond it. Ticks rather than one long of Unix nanoseconds keep DateTime's whole range
// (years 1–9999, every time the wire accepts) exact, where Unix nanoseconds stop at 1678 and 2262.
public readonly struct Timestamp : IEquatable<Timestamp>, IComparable<Timestamp>
{
    public const int NanosecondsPerTick = 100;

    private readonly long _ticks;
    private readonly byte _subTickNanoseconds;

    public Timestamp(long ticks, int subTickNanoseconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ticks);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ticks, DateTime.MaxValue.Ticks);
        ArgumentOutOfRangeException.ThrowIfNegative(subTickNanoseconds);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(subTickNanoseconds, NanosecondsPerTick);
        _ticks = ticks;
        _subTickNanoseconds = (byte)subTickNanoseconds;
    }

    /// A local time is converted to UTC; an unspecified one is taken as UTC.
    public Timestamp(DateTime time)
        : this((time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : time).Ticks, 0)
    {
    }

    /// UTC ticks (100 ns units since 0001-01-01), as <see cref="DateTime.Ticks"/>.
    public long Ticks => _ticks;

    /// The nanoseconds beyond <see cref="Ticks"/>, 0–99.
    public int SubTickNanoseconds => _subTickNanoseconds;

    /// The instant truncated to the tick.
    public DateTime UtcDateTime => new(_ticks, DateTimeKind.Utc);

    public static implicit operator Timestamp(DateTime time) => new(time);

    /// The time between two instants, to the tick (TimeSpan's resolution).
    public static TimeSpan operator -(Timestamp left, Timestamp right) => left.UtcDateTime - right.UtcDateTime;

    public static bool operator ==(Timestamp left, Timestamp right) => left.Equals(right);

    public static bool operator !=(Timestamp left, Timestamp right) => !left.Equals(right);

    public static bool operator <(Timestamp left, Timestamp right) => left.CompareTo(right) < 0;

    public static bool operator <=(Timestamp left, Timestamp right) => left.CompareTo(right) <= 0;

    public static bool operator >(Timestamp left, Timestamp right) => left.CompareTo(right) > 0;

    public static bool operator >=(Timestamp left, Timestamp right) => left.CompareTo(right) >= 0;

    public int CompareTo(Timestamp other)
    {
        var byTicks = _ticks.CompareTo(other._ticks);
        return byTicks != 0 ? byTicks : _subTickNanoseconds.CompareTo(other._subTickNanoseconds);
    }

    public bool Equals(Timestamp other) => _ticks == other._ticks && _subTickNanoseconds == other._subTickNanoseconds;

    public override bool Equals(object? obj) => obj is Timestamp other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_ticks, _subTickNanoseconds);

    public override string ToString() =>
        UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture)
        + _subTickNanoseconds.ToString("00", CultureInfo.InvariantCulture) + "Z";
}
