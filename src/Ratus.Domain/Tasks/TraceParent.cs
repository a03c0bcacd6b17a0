using System.Diagnostics;

namespace Ratus.Domain.Tasks;

// The W3C Trace Context `traceparent` value stored with a task: `00-<32 hex trace-id>-<16 hex span-id>-<2 hex flags>`,
// lower-case, with neither ID all zeros.
public static class TraceParent
{
    public const int Length = 55;

    public static bool IsValid(string? value)
    {
        if (value is not { Length: Length } || !value.StartsWith("00-", StringComparison.Ordinal) || value[35] != '-' || value[52] != '-')
        {
            return false;
        }

        return IsHex(value.AsSpan(3, 32)) && IsHex(value.AsSpan(36, 16)) && IsHex(value.AsSpan(53, 2))
            && value.AsSpan(3, 32).ContainsAnyExcept('0') && value.AsSpan(36, 16).ContainsAnyExcept('0');
    }

    /// The context a consumer links to, or null when <paramref name="value"/> is not a valid traceparent.
    public static ActivityContext? ToContext(string? value) =>
        IsValid(value) && ActivityContext.TryParse(value, null, isRemote: true, out var context) ? context : null;

    public static string Format(ActivityContext context) =>
        $"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-{(context.TraceFlags.HasFlag(ActivityTraceFlags.Recorded) ? "01" : "00")}";

    private static bool IsHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigitLower(c))
            {
                return false;
            }
        }

        return true;
    }
}
