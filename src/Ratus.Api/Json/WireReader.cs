using System.Text;
using System.Text.Json;
using Ratus.Application.Promises;
using Ratus.Application.Tasks;
using Ratus.Domain.Errors;

namespace Ratus.Api.Json;

// Request bodies, read straight from UTF-8 with the original's field names and leniency rules (spec §1–2):
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
        var task = new TaskDraft();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = JsonFields.Name(ref reader);
            reader.Read();
            task = field switch
            {
                _ when Ascii.EqualsIgnoreCase(field, "_id"u8) => task with { Id = JsonFields.String(ref reader, owner, "_id", task.Id) },
                _ when Ascii.EqualsIgnoreCase(field, "topic"u8) => task with { Topic = JsonFields.String(ref reader, owner, "topic", task.Topic) },
                _ when Ascii.EqualsIgnoreCase(field, "state"u8) => task with { State = JsonFields.Int(ref reader, owner, "state", "ratus.TaskState", task.State)!.Value },
                _ when Ascii.EqualsIgnoreCase(field, "nonce"u8) => task with { Nonce = JsonFields.String(ref reader, owner, "nonce", task.Nonce) },
                _ when Ascii.EqualsIgnoreCase(field, "producer"u8) => task with { Producer = JsonFields.String(ref reader, owner, "producer", task.Producer) },
                _ when Ascii.EqualsIgnoreCase(field, "consumer"u8) => task with { Consumer = JsonFields.String(ref reader, owner, "consumer", task.Consumer) },
                _ when Ascii.EqualsIgnoreCase(field, "produced"u8) => task with { Produced = JsonFields.Time(ref reader, owner, "produced", task.Produced) },
                _ when Ascii.EqualsIgnoreCase(field, "scheduled"u8) => task with { Scheduled = JsonFields.Time(ref reader, owner, "scheduled", task.Scheduled) },
                _ when Ascii.EqualsIgnoreCase(field, "consumed"u8) => task with { Consumed = JsonFields.Time(ref reader, owner, "consumed", task.Consumed) },
                _ when Ascii.EqualsIgnoreCase(field, "deadline"u8) => task with { Deadline = JsonFields.Time(ref reader, owner, "deadline", task.Deadline) },
                _ when Ascii.EqualsIgnoreCase(field, "payload"u8) => task with { Payload = JsonFields.Raw(ref reader, json) },
                _ when Ascii.EqualsIgnoreCase(field, "defer"u8) => task with { Defer = JsonFields.String(ref reader, owner, "defer", task.Defer) },
                _ when Ascii.EqualsIgnoreCase(field, "traceparent"u8) => task with { TraceParent = JsonFields.String(ref reader, owner, "traceparent", task.TraceParent) },
                _ => Skip(ref reader, task),
            };
        }

        return task;
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
