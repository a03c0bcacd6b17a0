using System.Text;

namespace Ratus.Domain.Time;

// Go's time.ParseDuration and Duration.String, so that `defer`, `timeout` and duration flags accept
// exactly what the original accepts and fail with the same messages.
public static class GoDuration
{
    private const ulong MaxMagnitude = 1UL << 63;

    public static TimeSpan Parse(string value) =>
        TryParse(value, out var duration, out var error) ? duration : throw new FormatException(error);

    public static bool TryParse(string value, out TimeSpan duration, out string error)
    {
        var ok = TryParseNanoseconds(value, out var nanoseconds, out error);
        duration = TimeSpan.FromTicks(nanoseconds / 100);
        return ok;
    }

    public static bool TryParseNanoseconds(string value, out long nanoseconds, out string error)
    {
        nanoseconds = 0;
        error = "";
        var s = value.AsSpan();
        var negative = false;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s is "0")
        {
            return true;
        }

        if (s.IsEmpty)
        {
            return Invalid(value, out error);
        }

        ulong total = 0;
        while (!s.IsEmpty)
        {
            if (!(s[0] == '.' || char.IsAsciiDigit(s[0])))
            {
                return Invalid(value, out error);
            }

            var before = s.Length;
            if (!TryLeadingInt(ref s, out var whole))
            {
                return Invalid(value, out error);
            }

            var hasWhole = before != s.Length;
            var hasFraction = false;
            ulong fraction = 0;
            var scale = 1.0;
            if (!s.IsEmpty && s[0] == '.')
            {
                s = s[1..];
                before = s.Length;
                LeadingFraction(ref s, out fraction, out scale);
                hasFraction = before != s.Length;
            }

            if (!hasWhole && !hasFraction)
            {
                return Invalid(value, out error);
            }

            var unitLength = 0;
            while (unitLength < s.Length && s[unitLength] != '.' && !char.IsAsciiDigit(s[unitLength]))
            {
                unitLength++;
            }

            if (unitLength == 0)
            {
                error = $"time: missing unit in duration {Quote(value)}";
                return false;
            }

            var unitName = s[..unitLength];
            s = s[unitLength..];
            var unit = UnitNanoseconds(unitName);
            if (unit == 0)
            {
                error = $"time: unknown unit {Quote(unitName.ToString())} in duration {Quote(value)}";
                return false;
            }

            if (whole > MaxMagnitude / unit)
            {
                return Invalid(value, out error);
            }

            whole *= unit;
            if (fraction > 0)
            {
                whole += (ulong)(fraction * (unit / scale));
                if (whole > MaxMagnitude)
                {
                    return Invalid(value, out error);
                }
            }

            total += whole;
            if (total > MaxMagnitude)
            {
                return Invalid(value, out error);
            }
        }

        if (negative)
        {
            nanoseconds = total == MaxMagnitude ? long.MinValue : -(long)total;
            return true;
        }

        if (total > MaxMagnitude - 1)
        {
            return Invalid(value, out error);
        }

        nanoseconds = (long)total;
        return true;
    }

    // Formats like Go's Duration.String ("1h30m0s", "1.5s", "100ms", "0s").
    public static string Format(TimeSpan duration)
    {
        var nanoseconds = duration.Ticks * 100;
        if (nanoseconds == 0)
        {
            return "0s";
        }

        var builder = new StringBuilder();
        if (nanoseconds < 0)
        {
            builder.Append('-');
        }

        var magnitude = (ulong)Math.Abs((decimal)nanoseconds);
        if (magnitude < 1_000_000_000)
        {
            var (unit, suffix) = magnitude switch
            {
                < 1_000 => (1UL, "ns"),
                < 1_000_000 => (1_000UL, "µs"),
                _ => (1_000_000UL, "ms"),
            };
            AppendFraction(builder, magnitude, unit);
            return builder.Append(suffix).ToString();
        }

        var hours = magnitude / 3_600_000_000_000;
        var minutes = magnitude / 60_000_000_000 % 60;
        if (hours > 0)
        {
            builder.Append(hours).Append('h');
        }

        if (hours > 0 || minutes > 0)
        {
            builder.Append(minutes).Append('m');
        }

        AppendFraction(builder, magnitude % 60_000_000_000, 1_000_000_000);
        return builder.Append('s').ToString();
    }

    private static void AppendFraction(StringBuilder builder, ulong value, ulong unit)
    {
        builder.Append(value / unit);
        var fraction = value % unit;
        if (fraction == 0)
        {
            return;
        }

        var digits = fraction.ToString(System.Globalization.CultureInfo.InvariantCulture)
            .PadLeft((int)Math.Log10(unit), '0')
            .TrimEnd('0');
        builder.Append('.').Append(digits);
    }

    private static ulong UnitNanoseconds(ReadOnlySpan<char> unit) => unit switch
    {
        "ns" => 1,
        "us" or "\u00b5s" or "\u03bcs" => 1_000,
        "ms" => 1_000_000,
        "s" => 1_000_000_000,
        "m" => 60_000_000_000,
        "h" => 3_600_000_000_000,
        _ => 0,
    };

    private static bool TryLeadingInt(ref ReadOnlySpan<char> s, out ulong value)
    {
        value = 0;
        var i = 0;
        for (; i < s.Length && char.IsAsciiDigit(s[i]); i++)
        {
            if (value > MaxMagnitude / 10)
            {
                return false;
            }

            value = value * 10 + (ulong)(s[i] - '0');
            if (value > MaxMagnitude)
            {
                return false;
            }
        }

        s = s[i..];
        return true;
    }

    private static void LeadingFraction(ref ReadOnlySpan<char> s, out ulong value, out double scale)
    {
        value = 0;
        scale = 1;
        var overflow = false;
        var i = 0;
        for (; i < s.Length && char.IsAsciiDigit(s[i]); i++)
        {
            if (overflow)
            {
                continue;
            }

            if (value > (MaxMagnitude - 1) / 10)
            {
                overflow = true;
                continue;
            }

            var next = value * 10 + (ulong)(s[i] - '0');
            if (next > MaxMagnitude)
            {
                overflow = true;
                continue;
            }

            value = next;
            scale *= 10;
        }

        s = s[i..];
    }

    private static bool Invalid(string value, out string error)
    {
        error = $"time: invalid duration {Quote(value)}";
        return false;
    }

    private static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
