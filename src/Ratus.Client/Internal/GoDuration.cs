using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ratus.Client.Internal;

/// <summary>Go's <c>time.Duration.String()</c> and <c>time.ParseDuration</c>, for the <c>defer</c> and <c>timeout</c> fields.</summary>
internal static class GoDuration
{
    private const long NanosPerTick = 100;

    public static string Format(TimeSpan value)
    {
        // Go durations are integer nanoseconds; a TimeSpan tick is 100 ns, so every TimeSpan is representable.
        long ticks = value.Ticks;
        if (ticks == 0)
        {
            return "0s";
        }

        var sb = new StringBuilder();
        bool negative = ticks < 0;
        // Work on the magnitude in nanoseconds as an unsigned value (TimeSpan.MinValue cannot be negated as long).
        ulong ns = negative ? (ulong)(-(ticks + 1)) + 1 : (ulong)ticks;
        ns *= NanosPerTick;
        if (negative)
        {
            sb.Append('-');
        }

        if (ns < 1_000_000_000UL)
        {
            // Sub-second: one unit, with a fraction, as Go prints (e.g. "1.5ms", "100µs", "300ns").
            (ulong unit, string name) = ns < 1_000UL ? (1UL, "ns") : ns < 1_000_000UL ? (1_000UL, "µs") : (1_000_000UL, "ms");
            AppendFraction(sb, ns, unit);
            sb.Append(name);
            return sb.ToString();
        }

        ulong hours = ns / 3_600_000_000_000UL;
        ns -= hours * 3_600_000_000_000UL;
        ulong minutes = ns / 60_000_000_000UL;
        ns -= minutes * 60_000_000_000UL;
        if (hours > 0)
        {
            sb.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        }

        if (hours > 0 || minutes > 0)
        {
            sb.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        }

        AppendFraction(sb, ns, 1_000_000_000UL);
        sb.Append('s');
        return sb.ToString();
    }

    private static void AppendFraction(StringBuilder sb, ulong value, ulong unit)
    {
        sb.Append((value / unit).ToString(CultureInfo.InvariantCulture));
        ulong rest = value % unit;
        if (rest == 0)
        {
            return;
        }

        int digits = (int)Math.Round(Math.Log10(unit));
        sb.Append('.').Append(rest.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0'));
    }

    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        string s = text;
        if (s.Length == 0)
        {
            return false;
        }

        bool negative = false;
        if (s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s == "0")
        {
            return true;
        }

        if (s.Length == 0)
        {
            return false;
        }

        decimal totalNs = 0;
        int i = 0;
        while (i < s.Length)
        {
            int start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            if (i == start || !decimal.TryParse(s.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal number))
            {
                return false;
            }

            int unitStart = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.')
            {
                i++;
            }

            decimal unit = s[unitStart..i] switch
            {
                "ns" => 1m,
                "us" or "µs" or "μs" => 1_000m,
                "ms" => 1_000_000m,
                "s" => 1_000_000_000m,
                "m" => 60_000_000_000m,
                "h" => 3_600_000_000_000m,
                _ => -1m,
            };
            if (unit < 0)
            {
                return false;
            }

            totalNs += number * unit;
        }

        decimal ticks = Math.Round(totalNs / NanosPerTick);
        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        value = TimeSpan.FromTicks(negative ? -(long)ticks : (long)ticks);
        return true;
    }
}

/// <summary>Writes a <see cref="TimeSpan"/> as a Go duration string and reads one back.</summary>
internal sealed class GoDurationConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        string? text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return text is not null && GoDuration.TryParse(text, out var value)
            ? value
            : throw new JsonException("Expected a Go duration string such as \"1h30m0s\".");
    }

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteStringValue(GoDuration.Format(value));
}
