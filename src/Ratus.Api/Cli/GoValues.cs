using System.Globalization;
using Ratus.Domain.Time;

namespace Ratus.Api.Cli;

/// Converts a flag or environment value the way the original's go-arg does, into the invariant string the
/// configuration binder reads back (TimeSpan in "c" format). Error texts follow Go's strconv and time packages.
public static class GoValues
{
    // `text` is the simple formatter's user-facing name; the value becomes Logging:Console:FormatterName.
    private static bool TryLogFormat(string value, out string converted, out string error)
    {
        converted = value.Trim().ToLowerInvariant() switch
        {
            "text" or "simple" => "simple",
            "json" => "json",
            _ => "",
        };
        error = converted.Length == 0 ? $"invalid log format \"{value}\" (want text or json)" : "";
        return converted.Length > 0;
    }

    public static bool TryConvert(FlagKind kind, string value, out string converted, out string error)
    {
        converted = "";
        error = "";
        switch (kind)
        {
            case FlagKind.String:
                converted = value;
                return true;
            case FlagKind.LogFormat:
                return TryLogFormat(value, out converted, out error);
            case FlagKind.FsyncMode:
                converted = value.Trim().ToLowerInvariant();
                if (converted is "always" or "everysec" or "no")
                {
                    return true;
                }

                error = $"invalid fsync mode \"{value}\" (want always, everysec or no)";
                return false;
            case FlagKind.Int32:
                return TryInteger(value, int.MinValue, int.MaxValue, out converted, out error);
            case FlagKind.ByteCount:
                return TryInteger(value, 1, long.MaxValue, out converted, out error);
            case FlagKind.Duration:
                if (!GoDuration.TryParse(value, out var duration, out error))
                {
                    return false;
                }

                converted = duration.ToString("c", CultureInfo.InvariantCulture);
                return true;
            case FlagKind.Bool:
                if (!TryParseBool(value, out var flag))
                {
                    error = $"strconv.ParseBool: parsing \"{value}\": invalid syntax";
                    return false;
                }

                converted = flag ? "true" : "false";
                return true;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    /// Go's strconv.ParseBool.
    public static bool TryParseBool(string value, out bool result)
    {
        switch (value)
        {
            case "1" or "t" or "T" or "TRUE" or "true" or "True":
                result = true;
                return true;
            case "0" or "f" or "F" or "FALSE" or "false" or "False":
                result = false;
                return true;
            default:
                result = false;
                return false;
        }
    }

    private static bool TryInteger(string value, long min, long max, out string converted, out string error)
    {
        converted = "";
        error = "";
        // Go's ParseInt takes an optional sign and decimal digits, nothing else (no spaces, no separators).
        var digits = value.StartsWith('+') || value.StartsWith('-') ? value.AsSpan(1) : value.AsSpan();
        if (digits.IsEmpty || digits.ContainsAnyExceptInRange('0', '9'))
        {
            error = $"strconv.ParseInt: parsing \"{value}\": invalid syntax";
            return false;
        }

        if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) || number < min || number > max)
        {
            error = $"strconv.ParseInt: parsing \"{value}\": value out of range";
            return false;
        }

        converted = number.ToString(CultureInfo.InvariantCulture);
        return true;
    }
}
