using System.Text.Encodings.Web;
using System.Text.Json;
using Ratus.Domain.Common;
using Ratus.Domain.Promises;
using Ratus.Domain.Tasks;
using Ratus.Domain.Time;
using Ratus.Domain.Topics;

namespace Ratus.Api.Json;

// Response bodies in the original's shapes and member order: `_id`, `topic`, `state` and `nonce` always,
// the optional members only when set, lists as {"data":[…]} (never null). `traceparent`, this server's addition,
// comes last.
public static class WireWriter
{
    public static readonly JsonWriterOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    public static void WriteTask(Utf8JsonWriter writer, RatusTask task)
    {
        writer.WriteStartObject();
        writer.WriteString("_id"u8, task.Id);
        writer.WriteString("topic"u8, task.Topic);
        writer.WriteNumber("state"u8, (int)task.State);
        writer.WriteString("nonce"u8, task.Nonce);
        WriteOptional(writer, "producer"u8, task.Producer);
        WriteOptional(writer, "consumer"u8, task.Consumer);
        WriteOptional(writer, "produced"u8, task.Produced);
        WriteOptional(writer, "scheduled"u8, task.Scheduled);
        WriteOptional(writer, "consumed"u8, task.Consumed);
        WriteOptional(writer, "deadline"u8, task.Deadline);
        if (task.Payload is { } payload)
        {
            writer.WritePropertyName("payload"u8);
            writer.WriteRawValue(payload, skipInputValidation: true);
        }

        WriteOptional(writer, "traceparent"u8, task.TraceParent);
        writer.WriteEndObject();
    }

    public static void WritePromise(Utf8JsonWriter writer, Promise promise)
    {
        writer.WriteStartObject();
        WriteOptional(writer, "_id"u8, promise.Id);
        WriteOptional(writer, "consumer"u8, promise.Consumer);
        WriteOptional(writer, "deadline"u8, promise.Deadline);
        writer.WriteEndObject();
    }

    public static void WriteTopic(Utf8JsonWriter writer, Topic topic)
    {
        writer.WriteStartObject();
        writer.WriteString("name"u8, topic.Name);
        if (topic.Count != 0)
        {
            writer.WriteNumber("count"u8, topic.Count);
        }

        writer.WriteEndObject();
    }

    public static void WriteTasks(Utf8JsonWriter writer, IReadOnlyList<RatusTask> tasks) => WriteList(writer, tasks, WriteTask);

    public static void WritePromises(Utf8JsonWriter writer, IReadOnlyList<Promise> promises) => WriteList(writer, promises, WritePromise);

    public static void WriteTopics(Utf8JsonWriter writer, IReadOnlyList<Topic> topics) => WriteList(writer, topics, WriteTopic);

    public static void WriteUpdated(Utf8JsonWriter writer, UpdateResult result)
    {
        writer.WriteStartObject();
        writer.WriteNumber("created"u8, result.Created);
        writer.WriteNumber("updated"u8, result.Updated);
        writer.WriteEndObject();
    }

    public static void WriteDeleted(Utf8JsonWriter writer, DeleteResult result)
    {
        writer.WriteStartObject();
        writer.WriteNumber("deleted"u8, result.Deleted);
        writer.WriteEndObject();
    }

    public static void WriteError(Utf8JsonWriter writer, int code, string message)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("error"u8);
        writer.WriteNumber("code"u8, code);
        writer.WriteString("message"u8, message);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteList<T>(Utf8JsonWriter writer, IReadOnlyList<T> items, Action<Utf8JsonWriter, T> write)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("data"u8);
        for (var i = 0; i < items.Count; i++)
        {
            write(writer, items[i]);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteOptional(Utf8JsonWriter writer, ReadOnlySpan<byte> name, Timestamp? value)
    {
        if (value is not { } time)
        {
            return;
        }

        Span<byte> text = stackalloc byte[40];
        Rfc3339.TryFormat(time, text, out var written);
        writer.WriteString(name, text[..written]);
    }
}
