using System.Text;
using System.Text.Json;
using Ratus.Application.Promises;
using Ratus.Application.Tasks;
using Ratus.Domain.Errors;
using Ratus.Domain.Time;

namespace Ratus.Api.Json;

// Request bodies, read straight from UTF-8 with the original's field names and leniency rules (docs/protocol.md §1–2):
// unknown members are ignored, names match case-insensitively, payloads are kept as sent.
public static class WireReader
{
    private static readonly JsonReaderOptions Options = new() { MaxDepth = 256 };

    // A literal null is an empty task, as in the original.
    public static TaskDraft ReadTask(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, Options);
            reader.Read();
            var task = reader.TokenType == JsonTokenType.Null ? new TaskDraft() : ReadTaskObject(ref reader, json, "Task", "ratus.Task");
            EnsureEnd(ref reader);
            return task;
        }
        catch (JsonException e)
        {
            throw Syntax(e);
        }
    }

    public static IReadOnlyList<TaskDraft> ReadTasks(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, Options);
            reader.Read();
            var tasks = new List<TaskDraft>();
            if (reader.TokenType != JsonTokenType.Null)
            {
                ExpectObject(ref reader, "ratus.Tasks");
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var field = JsonFields.Name(ref reader);
                    reader.Read();
                    if (Ascii.EqualsIgnoreCase(field, "data"u8))
                    {
                        ReadTaskArray(ref reader, json, tasks);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }

            EnsureEnd(ref reader);
            return tasks;
        }
        catch (JsonException e)
        {
            throw Syntax(e);
        }
    }

    public static PromiseDraft ReadPromise(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, Options);
            reader.Read();
            var promise = PromiseDraft.Empty;
            if (reader.TokenType != JsonTokenType.Null)
            {
                ExpectObject(ref reader, "ratus.Promise");
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var field = JsonFields.Name(ref reader);
                    reader.Read();
                    promise = field switch
                    {
                        _ when Ascii.EqualsIgnoreCase(field, "_id"u8) => promise with { Id = JsonFields.String(ref reader, "Promise", "_id", promise.Id) },
                        _ when Ascii.EqualsIgnoreCase(field, "consumer"u8) => promise with { Consumer = JsonFields.String(ref reader, "Promise", "consumer", promise.Consumer) },
                        _ when Ascii.EqualsIgnoreCase(field, "deadline"u8) => promise with { Deadline = JsonFields.Time(ref reader, "Promise", "deadline", promise.Deadline) },
                        _ when Ascii.EqualsIgnoreCase(field, "timeout"u8) => promise with { Timeout = JsonFields.String(ref reader, "Promise", "timeout", promise.Timeout) },
                        _ => Skip(ref reader, promise),
                    };
                }
            }

            EnsureEnd(ref reader);
            return promise;
        }
        catch (JsonException e)
        {
            throw Syntax(e);
        }
    }

    public static CommitDraft ReadCommit(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, Options);
            reader.Read();
            var commit = CommitDraft.Empty;
            if (reader.TokenType != JsonTokenType.Null)
            {
                ExpectObject(ref reader, "ratus.Commit");
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var field = JsonFields.Name(ref reader);
                    reader.Read();
                    commit = field switch
                    {
                        _ when Ascii.EqualsIgnoreCase(field, "nonce"u8) => commit with { Nonce = JsonFields.String(ref reader, "Commit", "nonce", commit.Nonce) },
                        _ when Ascii.EqualsIgnoreCase(field, "topic"u8) => commit with { Topic = JsonFields.String(ref reader, "Commit", "topic", commit.Topic) },
                        _ when Ascii.EqualsIgnoreCase(field, "state"u8) => commit with { State = reader.TokenType == JsonTokenType.Null ? null : JsonFields.Int(ref reader, "Commit", "state", "ratus.TaskState", commit.State) },
                        _ when Ascii.EqualsIgnoreCase(field, "scheduled"u8) => commit with { Scheduled = JsonFields.Time(ref reader, "Commit", "scheduled", commit.Scheduled) },
                        _ when Ascii.EqualsIgnoreCase(field, "payload"u8) => commit with { Payload = JsonFields.Raw(ref reader, json) },
                        _ when Ascii.EqualsIgnoreCase(field, "defer"u8) => commit with { Defer = JsonFields.String(ref reader, "Commit", "defer", commit.Defer) },
                        _ => Skip(ref reader, commit),
                    };
                }
            }

            EnsureEnd(ref reader);
            return commit;
        }
        catch (JsonException e)
        {
            throw Syntax(e);
        }
    }

    private static void ReadTaskArray(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, List<TaskDraft> tasks)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw JsonFields.Mismatch(reader.TokenType, "Tasks", "data", "[]*ratus.Task");
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            tasks.Add(reader.TokenType == JsonTokenType.Null
                ? new TaskDraft()
                : ReadTaskObject(ref reader, json, "Tasks.data", "ratus.Task"));
        }
    }

    private static TaskDraft ReadTaskObject(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, string owner, string goType)
    {
        ExpectObject(ref reader, goType);

        // Gathered in locals and built once: a bulk push reads thousands of tasks per request.
        string? id = null, topic = null, nonce = null, producer = null, consumer = null, defer = null, traceParent = null;
        Timestamp? produced = null, scheduled = null, consumed = null, deadline = null;
        byte[]? payload = null;
        var state = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = JsonFields.Name(ref reader);
            reader.Read();
            if (Ascii.EqualsIgnoreCase(field, "_id"u8)) { id = JsonFields.String(ref reader, owner, "_id", id); }
            else if (Ascii.EqualsIgnoreCase(field, "topic"u8)) { topic = JsonFields.String(ref reader, owner, "topic", topic); }
            else if (Ascii.EqualsIgnoreCase(field, "state"u8)) { state = JsonFields.Int(ref reader, owner, "state", "ratus.TaskState", state)!.Value; }
            else if (Ascii.EqualsIgnoreCase(field, "nonce"u8)) { nonce = JsonFields.String(ref reader, owner, "nonce", nonce); }
            else if (Ascii.EqualsIgnoreCase(field, "producer"u8)) { producer = JsonFields.String(ref reader, owner, "producer", producer); }
            else if (Ascii.EqualsIgnoreCase(field, "consumer"u8)) { consumer = JsonFields.String(ref reader, owner, "consumer", consumer); }
            else if (Ascii.EqualsIgnoreCase(field, "produced"u8)) { produced = JsonFields.Time(ref reader, owner, "produced", produced); }
            else if (Ascii.EqualsIgnoreCase(field, "scheduled"u8)) { scheduled = JsonFields.Time(ref reader, owner, "scheduled", scheduled); }
            else if (Ascii.EqualsIgnoreCase(field, "consumed"u8)) { consumed = JsonFields.Time(ref reader, owner, "consumed", consumed); }
            else if (Ascii.EqualsIgnoreCase(field, "deadline"u8)) { deadline = JsonFields.Time(ref reader, owner, "deadline", deadline); }
            else if (Ascii.EqualsIgnoreCase(field, "payload"u8)) { payload = JsonFields.Raw(ref reader, json); }
            else if (Ascii.EqualsIgnoreCase(field, "defer"u8)) { defer = JsonFields.String(ref reader, owner, "defer", defer); }
            else if (Ascii.EqualsIgnoreCase(field, "traceparent"u8)) { traceParent = JsonFields.String(ref reader, owner, "traceparent", traceParent); }
            else { reader.Skip(); }
        }

        return new TaskDraft
        {
            Id = id, Topic = topic, State = state, Nonce = nonce, Producer = producer, Consumer = consumer,
            Produced = produced, Scheduled = scheduled, Consumed = consumed, Deadline = deadline,
            Payload = payload, Defer = defer, TraceParent = traceParent,
        };
    }

    private static T Skip<T>(ref Utf8JsonReader reader, T value)
    {
        reader.Skip();
        return value;
    }

    private static void ExpectObject(ref Utf8JsonReader reader, string goType)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw JsonFields.Mismatch(reader.TokenType, goType);
        }
    }

    private static void EnsureEnd(ref Utf8JsonReader reader)
    {
        if (reader.Read())
        {
            throw new BadRequestException($"invalid character after top-level value at byte {reader.TokenStartIndex}");
        }
    }

    private static BadRequestException Syntax(JsonException e) => new($"invalid JSON: {e.Message}");
}
