using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MongoDB.Driver;
using Ratus.Domain.Time;
using Ratus.Infrastructure;

namespace Ratus.Api.Cli;

/// Converts a flag or environment value the way the original's go-arg does, into the invariant string the
/// configuration binder reads back (TimeSpan in "c" format), and checks that it is in the flag's range. Error texts
/// follow Go's strconv and time packages, with the accepted range added.
public static class GoValues
{
    // The longest wait Task.Delay accepts.
    private static readonly TimeSpan LongestTimer = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

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
                return TryInteger(value, 0, int.MaxValue, out converted, out error);
            case FlagKind.Count:
                return TryInteger(value, 1, int.MaxValue, out converted, out error);
            case FlagKind.Port:
                return TryInteger(value, IPEndPoint.MinPort, IPEndPoint.MaxPort, out converted, out error);
            case FlagKind.ByteCount:
                return TryInteger(value, 1, long.MaxValue, out converted, out error);
            case FlagKind.Duration:
                return TryDuration(value, TimeSpan.MaxValue, out converted, out error);
            case FlagKind.TimerDuration:
                return TryDuration(value, LongestTimer, out converted, out error);
            case FlagKind.Engine:
                converted = value;
                error = value.ToLowerInvariant() is EngineOptions.MemDb or EngineOptions.MongoDb
                    ? ""
                    : $"unknown storage engine \"{value}\" (want {EngineOptions.MemDb} or {EngineOptions.MongoDb})";
                return error.Length == 0;
            case FlagKind.Address:
                converted = value;
                error = IsAddress(value.Trim()) ? "" : $"invalid address \"{value}\" (want an IP address or a host name, without a port)";
                return error.Length == 0;
            case FlagKind.MongoUri:
                return TryMongoUri(value, out converted, out error);
            case FlagKind.MongoDatabase:
                converted = value;
                error = IsDatabaseName(value) ? "" : $"invalid MongoDB database name \"{value}\"";
                return error.Length == 0;
            case FlagKind.MongoCollection:
                converted = value;
                error = IsCollectionName(value) ? "" : $"invalid MongoDB collection name \"{value}\"";
                return error.Length == 0;
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

    private static bool TryDuration(string value, TimeSpan max, out string converted, out string error)
    {
        converted = "";
        if (!GoDuration.TryParse(value, out var duration, out error))
        {
            return false;
        }

        if (duration < TimeSpan.Zero || duration > max)
        {
            var range = max == TimeSpan.MaxValue ? "0s or more" : $"0s to {GoDuration.Format(max)}";
            error = $"time: duration \"{value}\" out of range (want {range})";
            return false;
        }

        converted = duration.ToString("c", CultureInfo.InvariantCulture);
        return true;
    }

    // Kestrel listens on an IP address, on both loopbacks for `localhost`, or on the addresses a host name resolves to
    // when the server starts. The brackets are checked apart: IPAddress.TryParse takes "[::1]:80" and drops the port.
    private static bool IsAddress(string value) =>
        value.StartsWith('[')
            ? value.EndsWith(']') && IPAddress.TryParse(value[1..^1], out var address) && address.AddressFamily == AddressFamily.InterNetworkV6
            : value.Length == 0 || IPAddress.TryParse(value, out _) || Uri.CheckHostName(value) == UriHostNameType.Dns;

    // MongoDB's naming restrictions; the driver's own checks only refuse an empty name.
    private static bool IsDatabaseName(string value) =>
        value.Length > 0 && Encoding.UTF8.GetByteCount(value) < 64 && value.IndexOfAny(['/', '\\', '.', ' ', '"', '$', '\0']) < 0;

    private static bool IsCollectionName(string value) =>
        value.Length > 0 && value.IndexOfAny(['$', '\0']) < 0 && !value.StartsWith("system.", StringComparison.Ordinal);

    private static bool TryMongoUri(string value, out string converted, out string error)
    {
        converted = value;
        error = "";
        try
        {
            // Parses only: nothing is resolved or connected.
            _ = MongoUrl.Create(value);
            return true;
        }
        catch (MongoConfigurationException exception)
        {
            // The driver quotes the whole string, credentials included; the user knows what they passed.
            error = $"invalid MongoDB URI: {exception.Message.Replace(value, "…", StringComparison.Ordinal)}";
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
            var range = max == long.MaxValue ? $"at least {min}" : $"{min} to {max}";
            error = $"strconv.ParseInt: parsing \"{value}\": value out of range (want {range})";
            return false;
        }

        converted = number.ToString(CultureInfo.InvariantCulture);
        return true;
    }
}
