using System.Globalization;
using System.Text.Json;
using MongoDB.Bson;
using Ratus.Domain.Tasks;
using Ratus.Domain.Time;

namespace Ratus.Infrastructure.MongoDb;

/// The BSON shape of a task, field for field the original's (docs/protocol.md §3.11). Times are BSON dates, so they keep
/// millisecond precision. The payload is written as binary (subtype 0) holding the exact UTF-8 JSON text (docs/protocol.md, D4);
/// a payload of any other BSON type, as the original Go server writes it, is read back as JSON text.
internal static class MongoTaskDocument
{
    public const string Id = "_id";
    public const string Topic = "topic";
    public const string State = "state";
    public const string Nonce = "nonce";
    public const string Producer = "producer";
    public const string Consumer = "consumer";
    public const string Produced = "produced";
    public const string Scheduled = "scheduled";
    public const string Consumed = "consumed";
    public const string Deadline = "deadline";
    public const string Payload = "payload";
    public const string TraceParent = "traceparent";

    public static BsonDocument ToBson(RatusTask task)
    {
        var document = new BsonDocument
        {
            { Id, task.Id },
            { Topic, task.Topic },
            { State, (int)task.State },
            { Nonce, task.Nonce },
        };
        AddIfPresent(document, Producer, task.Producer);
        AddIfPresent(document, Consumer, task.Consumer);
        AddIfPresent(document, Produced, task.Produced);
        AddIfPresent(document, Scheduled, task.Scheduled);
        AddIfPresent(document, Consumed, task.Consumed);
        AddIfPresent(document, Deadline, task.Deadline);
        if (task.Payload is not null)
        {
            document.Add(Payload, ToBson(task.Payload));
        }

        AddIfPresent(document, TraceParent, task.TraceParent);

        return document;
    }

    /// A BSON date: the time truncated to the millisecond.
    public static BsonValue ToBson(Timestamp time) => new BsonDateTime(time.UtcDateTime);

    public static BsonValue ToBson(byte[] payload) => new BsonBinaryData(payload, BsonBinarySubType.Binary);

    public static RatusTask FromBson(BsonDocument document) => new()
    {
        Id = document[Id].AsString,
        Topic = document.GetValue(Topic, "").AsString,
        State = (TaskState)document.GetValue(State, 0).ToInt32(),
        Nonce = document.GetValue(Nonce, "").AsString,
        Producer = StringOrNull(document, Producer),
        Consumer = StringOrNull(document, Consumer),
        Produced = TimeOrNull(document, Produced),
        Scheduled = TimeOrNull(document, Scheduled),
        Consumed = TimeOrNull(document, Consumed),
        Deadline = TimeOrNull(document, Deadline),
        Payload = document.TryGetValue(Payload, out var payload) ? PayloadFromBson(payload) : null,
        TraceParent = StringOrNull(document, TraceParent),
    };

    /// A binary payload is the JSON text this server wrote; anything else came from the original (or a user
    /// writing to the collection directly) and is turned into JSON text.
    public static byte[]? PayloadFromBson(BsonValue value)
    {
        switch (value)
        {
            case BsonNull or BsonUndefined:
                return null;
            case BsonBinaryData { SubType: BsonBinarySubType.Binary } binary:
                return binary.Bytes;
            default:
                using (var buffer = new MemoryStream())
                {
                    using (var writer = new Utf8JsonWriter(buffer))
                    {
                        WriteJson(writer, value);
                    }

                    return buffer.ToArray();
                }
        }
    }

    private static void AddIfPresent(BsonDocument document, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            document.Add(name, value);
        }
    }

    private static void AddIfPresent(BsonDocument document, string name, Timestamp? value)
    {
        if (value is { } time)
        {
            document.Add(name, ToBson(time));
        }
    }

    private static string? StringOrNull(BsonDocument document, string name) =>
        document.TryGetValue(name, out var value) && value.IsString && value.AsString.Length > 0 ? value.AsString : null;

    private static DateTime? TimeOrNull(BsonDocument document, string name) =>
        document.TryGetValue(name, out var value) && value.IsValidDateTime ? value.ToUniversalTime() : null;

    private static void WriteJson(Utf8JsonWriter writer, BsonValue value)
    {
        switch (value)
        {
            case BsonDocument document:
                writer.WriteStartObject();
                foreach (var element in document)
                {
                    writer.WritePropertyName(element.Name);
                    WriteJson(writer, element.Value);
                }

                writer.WriteEndObject();
                break;
            case BsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    WriteJson(writer, item);
                }

                writer.WriteEndArray();
                break;
            case BsonNull or BsonUndefined:
                writer.WriteNullValue();
                break;
            case BsonBoolean boolean:
                writer.WriteBooleanValue(boolean.Value);
                break;
            case BsonInt32 int32:
                writer.WriteNumberValue(int32.Value);
                break;
            case BsonInt64 int64:
                writer.WriteNumberValue(int64.Value);
                break;
            case BsonDouble number when double.IsFinite(number.Value):
                writer.WriteNumberValue(number.Value);
                break;
            case BsonDecimal128 decimal128:
                writer.WriteRawValue(decimal128.Value.ToString(), skipInputValidation: false);
                break;
            case BsonString text:
                writer.WriteStringValue(text.Value);
                break;
            case BsonDateTime time when time.IsValidDateTime:
                writer.WriteStringValue(time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
                break;
            case BsonBinaryData binary:
                writer.WriteBase64StringValue(binary.Bytes);
                break;
            default:
                // ObjectId, timestamps, regular expressions and the like: their canonical text.
                writer.WriteStringValue(value.ToString());
                break;
        }
    }
}
