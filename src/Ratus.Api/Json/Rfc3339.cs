using System.Globalization;
using Ratus.Domain.Time;

namespace Ratus.Api.Json;

// Times on the wire (docs/protocol.md, D6): any RFC 3339 offset and up to 9 fractional digits in; out, UTC with a "Z" and
// every one of those digits, trailing zeros trimmed (Go's RFC3339Nano). Parse errors read like Go's time.Parse,
// which clients of the original see.
public static class Rfc3339
{
    private const string GoLayout = "2006-01-02T15:04:05Z07:00";
    // "O" of a UTC time: yyyy-MM-ddTHH:mm:ss.fffffffZ. Formatting it, adding the two digits beyond the tick and
    // trimming the fraction is several times cheaper than a custom format string, and times are written into every
    // task a response carries.
    private const int RoundTripLength = 28;
    private const int FractionStart = 19;
    private const int NanoLength = RoundTripLength + 2;

    /// Writes yyyy-MM-ddTHH:mm:ss[.fraction]Z, up to nine fractional digits with the trailing zeros (and a bare
    /// dot) trimmed: Go's RFC3339Nano. The destination needs 30 bytes.
    public static bool TryFormat(Timestamp utc, Span<byte> destination, out int written)
    {
        if (destination.Length < NanoLength
            || !utc.UtcDateTime.TryFormat(destination, out written, "O", CultureInfo.InvariantCulture)
            || written != RoundTripLength)
        {
            written = 0;
            return false;
        }

        var end = RoundTripLength - 1; // the 'Z'
        if (utc.SubTickNanoseconds != 0)
        {
            destination[end++] = (byte)('0' + utc.SubTickNanoseconds / 10);
            destination[end++] = (byte)('0' + utc.SubTickNanoseconds % 10);
        }

        while (end > FractionStart + 1 && destination[end - 1] == (byte)'0')
        {
            end--;
        }

        if (end == FractionStart + 1)
        {
            end = FractionStart; // no fraction left: drop the dot too
        }

        destination[end] = (byte)'Z';
        written = end + 1;
        return true;
    }

    public static bool TryParse(ReadOnlySpan<char> text, out Timestamp utc, out string error)
    {
        utc = default;
        var p = new Cursor(text);
        if (!p.Digits(4, out var year) || !p.Literal('-') || !p.Digits(2, out var month) || !p.Literal('-') ||
            !p.Digits(2, out var day) || !p.Literal('T') || !p.Digits(2, out var hour) || !p.Literal(':') ||
            !p.Digits(2, out var minute) || !p.Literal(':') || !p.Digits(2, out var second))
        {
            error = CannotParse(text, p);
            return false;
        }

        var fractionNanoseconds = 0;
        if (p.Peek('.'))
        {
            p.Literal('.');
            var digits = p.CountDigits();
            if (digits is 0 or > 9)
            {
                error = $"parsing time {Quote(text)}: fractional second out of range";
                return false;
            }

            for (var i = 0; i < 9; i++)
            {
                fractionNanoseconds = fractionNanoseconds * 10 + (i < digits ? text[p.Position + i] - '0' : 0);
            }

            p.Skip(digits);
        }

        var zoneStart = p.Position;
        var offsetMinutes = 0;
        if (!p.Literal('Z'))
        {
            var sign = p.Peek('+') ? 1 : p.Peek('-') ? -1 : 0;
            if (sign == 0 || !p.Skip(1) || !p.Digits(2, out var offsetHours) || !p.Literal(':') ||
                !p.Digits(2, out var offsetMinute))
            {
                error = $"parsing time {Quote(text)} as {Quote(GoLayout)}: cannot parse {Quote(text[zoneStart..])} as {Quote("Z07:00")}";
                return false;
            }

            if (offsetHours > 23 || offsetMinute > 59)
            {
                error = $"parsing time {Quote(text)}: time zone offset out of range";
                return false;
            }

            offsetMinutes = sign * (offsetHours * 60 + offsetMinute);
        }

        if (p.Position != text.Length)
        {
            error = $"parsing time {Quote(text)}: extra text: {Quote(text[p.Position..])}";
            return false;
        }

        var range = year < 1 ? "year" : month is < 1 or > 12 ? "month"
            : day < 1 || day > DateTime.DaysInMonth(year, month) ? "day"
            : hour > 23 ? "hour" : minute > 59 ? "minute" : second > 59 ? "second" : null;
        if (range is not null)
        {
            error = $"parsing time {Quote(text)}: {range} out of range";
            return false;
        }

        var ticks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).Ticks
            + fractionNanoseconds / Timestamp.NanosecondsPerTick - offsetMinutes * TimeSpan.TicksPerMinute;
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks)
        {
            error = $"parsing time {Quote(text)}: time out of range";
            return false;
        }

        utc = new Timestamp(ticks, fractionNanoseconds % Timestamp.NanosecondsPerTick);
        error = "";
        return true;
    }

    private static string CannotParse(ReadOnlySpan<char> text, Cursor p) =>
        $"parsing time {Quote(text)} as {Quote(GoLayout)}: cannot parse {Quote(text[p.Position..])} as {Quote(p.Expected)}";

    private static string Quote(ReadOnlySpan<char> value) => "\"" + value.ToString().Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private ref struct Cursor(ReadOnlySpan<char> text)
    {
        private readonly ReadOnlySpan<char> _text = text;

        public int Position { get; private set; }

        public string Expected { get; private set; } = "";

        public readonly bool Peek(char c) => Position < _text.Length && _text[Position] == c;

        public bool Skip(int count)
        {
            Position += count;
            return true;
        }

        public readonly int CountDigits()
        {
            var i = Position;
            while (i < _text.Length && char.IsAsciiDigit(_text[i]))
            {
                i++;
            }

            return i - Position;
        }

        public bool Literal(char c)
        {
            Expected = c.ToString();
            if (!Peek(c))
            {
                return false;
            }

            Position++;
            return true;
        }

        public bool Digits(int count, out int value)
        {
            Expected = Position switch
            {
                0 => "2006",
                5 => "01",
                8 => "02",
                11 => "15",
                14 => "04",
                17 => "05",
                _ => "07",
            };
            value = 0;
            if (Position + count > _text.Length)
            {
                return false;
            }

            for (var i = 0; i < count; i++)
            {
                var c = _text[Position + i];
                if (!char.IsAsciiDigit(c))
                {
                    return false;
                }

                value = value * 10 + (c - '0');
            }

            Position += count;
            return true;
        }
    }
}
