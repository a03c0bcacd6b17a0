using System.Text;
using System.Text.Json;
using Ratus.Domain.Errors;
using Ratus.Domain.Time;

namespace Ratus.Api.Json;

// Typed reads of one JSON member with Go's encoding/json rules: null leaves the field unset, a value of the
// wrong kind is "json: cannot unmarshal <kind> into Go struct field <Struct>.<field> of type <type>".
internal static class JsonFields
{
    // The member name as sent; callers compare it ASCII case-insensitively, as Go matches names.
    public static ReadOnlySpan<byte> Name(ref Utf8JsonReader reader) =>
        reader.ValueIsEscaped || reader.HasValueSequence
            ? Encoding.UTF8.GetBytes(Text(ref reader, null, null))
            : reader.ValueSpan;

    public static string? String(ref Utf8JsonReader reader, string owner, string field, string? current) =>
        reader.TokenType switch
        {
            JsonTokenType.String => Text(ref reader, owner, field),
            JsonTokenType.Null => current,
            _ => throw Mismatch(reader.TokenType, owner, field, "string"),
        };

    public static Timestamp? Time(ref Utf8JsonReader reader, string owner, string field, Timestamp? current)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return current;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            throw Mismatch(reader.TokenType, owner, field, "time.Time");
        }

        return Rfc3339.TryParse(Text(ref reader, owner, field), out var value, out var error)
            ? value
            : throw new BadRequestException(error);
    }

    public static int? Int(ref Utf8JsonReader reader, string owner, string field, string goType, int? current)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return current;
        }

        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value))
        {
            return value;
        }

        var kind = reader.TokenType == JsonTokenType.Number
            ? "number " + Encoding.UTF8.GetString(reader.ValueSpan)
            : Kind(reader.TokenType);
        throw new BadRequestException($"json: cannot unmarshal {kind} into Go struct field {owner}.{field} of type {goType}");
    }

    // The exact bytes of any JSON value, so payloads round-trip unchanged (docs/protocol.md, D4); null means absent.
    public static byte[]? Raw(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        return json[start..(int)reader.BytesConsumed].ToArray();
    }

    public static BadRequestException Mismatch(JsonTokenType token, string owner, string field, string goType) =>
        new($"json: cannot unmarshal {Kind(token)} into Go struct field {owner}.{field} of type {goType}");

    public static BadRequestException Mismatch(JsonTokenType token, string goType) =>
        new($"json: cannot unmarshal {Kind(token)} into Go value of type {goType}");

    // The string token's text. A lone surrogate escape ("\udc00") is valid JSON syntax but no Unicode text, and
    // GetString refuses it with an InvalidOperationException: that is the client's invalid value, not a server fault.
    // The owner and field (null for a member name) only make the message.
    private static string Text(ref Utf8JsonReader reader, string? owner, string? field)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            var where = field is null ? "a member name" : $"Go struct field {owner}.{field}";
            throw new BadRequestException($"invalid JSON: a string with a lone UTF-16 surrogate in {where}");
        }
    }

    private static string Kind(JsonTokenType token) => token switch
    {
        JsonTokenType.Number => "number",
        JsonTokenType.String => "string",
        JsonTokenType.True or JsonTokenType.False => "bool",
        JsonTokenType.StartArray => "array",
        JsonTokenType.StartObject => "object",
        _ => "value",
    };
}
