using System.Text.Json;
using System.Text.Json.Serialization;
using Ratus.Client.Internal;

namespace Ratus.Client;

/// <summary>The state of a task (sent and received as a JSON number).</summary>
public enum TaskState
{
    /// <summary>Ready to run, or waiting for its <see cref="RatusTask.Scheduled"/> time.</summary>
    Pending = 0,

    /// <summary>Claimed by a consumer: a promise is in effect.</summary>
    Active = 1,

    /// <summary>Done. Subject to the server's retention, counted from <see cref="RatusTask.Consumed"/>.</summary>
    Completed = 2,

    /// <summary>Kept forever and never expired.</summary>
    Archived = 3,
}

/// <summary>A task as stored by the Ratus server. Property names on the wire are those of the Go server (<c>_id</c>, <c>topic</c>, …).</summary>
public sealed record RatusTask
{
    /// <summary>The user-chosen ID, unique across all topics.</summary>
    /// <value>Empty by default; a task must carry an ID before it is inserted.</value>
    [JsonPropertyName("_id")]
    public string Id { get; init; } = "";

    /// <summary>The topic the task belongs to.</summary>
    /// <value>Empty by default; a task must carry a topic before it is inserted.</value>
    [JsonPropertyName("topic")]
    public string Topic { get; init; } = "";

    /// <summary>The state of the task.</summary>
    /// <value><see cref="TaskState.Pending"/> by default.</value>
    [JsonPropertyName("state")]
    public TaskState State { get; init; }

    /// <summary>The optimistic-concurrency token set by the server when the task is claimed; empty otherwise.</summary>
    /// <value>Empty by default.</value>
    [JsonPropertyName("nonce")]
    public string Nonce { get; init; } = "";

    /// <summary>Free-text identifier of the producer.</summary>
    [JsonPropertyName("producer")]
    public string? Producer { get; init; }

    /// <summary>Identifier of the consumer that claimed the task last.</summary>
    [JsonPropertyName("consumer")]
    public string? Consumer { get; init; }

    /// <summary>When the task was produced; the server fills it in when absent.</summary>
    [JsonPropertyName("produced")]
    public DateTimeOffset? Produced { get; init; }

    /// <summary>The earliest execution time; the server fills it in when absent (now, or now + <see cref="Defer"/>).</summary>
    [JsonPropertyName("scheduled")]
    public DateTimeOffset? Scheduled { get; init; }

    /// <summary>When the task was claimed last.</summary>
    [JsonPropertyName("consumed")]
    public DateTimeOffset? Consumed { get; init; }

    /// <summary>The deadline promised by the consumer that claimed the task last.</summary>
    [JsonPropertyName("deadline")]
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>The opaque payload (any JSON value). See <see cref="GetPayload{T}"/> and <see cref="RatusPayload.From{T}"/>.</summary>
    [JsonPropertyName("payload")]
    public JsonElement? Payload { get; init; }

    /// <summary>Input only: a delay after which the task becomes due, converted by the server to <see cref="Scheduled"/>
    /// (and ignored when <see cref="Scheduled"/> is set). Sent as a Go duration such as <c>"1h30m0s"</c>; never returned.</summary>
    [JsonPropertyName("defer")]
    [JsonConverter(typeof(GoDurationConverter))]
    public TimeSpan? Defer { get; init; }

    /// <summary>The producer's W3C trace context (<c>00-&lt;trace-id&gt;-&lt;span-id&gt;-&lt;flags&gt;</c>), an addition of the
    /// .NET server to the original's format. On insert, leave it null to let the server store the push request's
    /// context, or set it to link consumers to another span; the server returns it on every read.</summary>
    [JsonPropertyName("traceparent")]
    public string? TraceParent { get; init; }

    /// <summary>Deserialises <see cref="Payload"/> into <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The type to read the payload as.</typeparam>
    /// <param name="options">Serializer options; by default the web defaults (camelCase, case-insensitive).</param>
    /// <returns>The payload, or <see langword="default"/> when there is none.</returns>
    public T? GetPayload<T>(JsonSerializerOptions? options = null) =>
        Payload is { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } payload
            ? payload.Deserialize<T>(options ?? RatusPayload.DefaultOptions)
            : default;
}

/// <summary>Creates task payloads from .NET values.</summary>
public static class RatusPayload
{
    internal static readonly JsonSerializerOptions DefaultOptions = new(JsonSerializerDefaults.Web);

    /// <summary>Serialises <paramref name="value"/> into a JSON payload.</summary>
    /// <typeparam name="T">The type of the value.</typeparam>
    /// <param name="value">Any value that System.Text.Json can serialise.</param>
    /// <param name="options">Serializer options; by default the web defaults (camelCase property names).</param>
    /// <returns>The payload, ready for <see cref="RatusTask.Payload"/> or <see cref="Commit.Payload"/>.</returns>
    public static JsonElement From<T>(T value, JsonSerializerOptions? options = null) =>
        JsonSerializer.SerializeToElement(value, options ?? DefaultOptions);
}

/// <summary>A promise to execute a task before a deadline: the body of a poll or a claim.</summary>
public sealed record Promise
{
    /// <summary>The ID of the task to claim; empty for a wildcard poll (the server picks the next due task of the topic).</summary>
    [JsonPropertyName("_id")]
    public string? Id { get; init; }

    /// <summary>The consumer identifier copied into the claimed task.</summary>
    [JsonPropertyName("consumer")]
    public string? Consumer { get; init; }

    /// <summary>The absolute deadline; takes precedence over <see cref="Timeout"/>.</summary>
    [JsonPropertyName("deadline")]
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>Input only: the relative deadline, sent as a Go duration. The server uses 10 minutes when neither
    /// <see cref="Deadline"/> nor this is set.</summary>
    [JsonPropertyName("timeout")]
    [JsonConverter(typeof(GoDurationConverter))]
    public TimeSpan? Timeout { get; init; }
}

/// <summary>The changes applied when a task is committed (the PATCH body); every property is optional.</summary>
public sealed record Commit
{
    /// <summary>The nonce the task must still carry; <see langword="null"/> or empty for a forced, unchecked commit.</summary>
    [JsonPropertyName("nonce")]
    public string? Nonce { get; init; }

    /// <summary>A topic to move the task to.</summary>
    [JsonPropertyName("topic")]
    public string? Topic { get; init; }

    /// <summary>The target state; the server uses <see cref="TaskState.Completed"/> when absent.</summary>
    [JsonPropertyName("state")]
    public TaskState? State { get; init; }

    /// <summary>A new scheduled time.</summary>
    [JsonPropertyName("scheduled")]
    public DateTimeOffset? Scheduled { get; init; }

    /// <summary>A new payload; <see langword="null"/> leaves the payload unchanged.</summary>
    [JsonPropertyName("payload")]
    public JsonElement? Payload { get; init; }

    /// <summary>When <see cref="Scheduled"/> is absent, reschedules the task to commit time plus this delay (sent as a Go duration).</summary>
    [JsonPropertyName("defer")]
    [JsonConverter(typeof(GoDurationConverter))]
    public TimeSpan? Defer { get; init; }
}

/// <summary>A topic: the set of tasks sharing a <see cref="RatusTask.Topic"/>.</summary>
public sealed record Topic
{
    /// <summary>The topic name.</summary>
    /// <value>Empty by default.</value>
    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    /// <summary>The number of tasks in the topic (any state); only <see cref="IRatusClient.GetTopicAsync"/> fills it in.</summary>
    [JsonPropertyName("count")]
    public long Count { get; init; }
}

/// <summary>The result of an insert or upsert.</summary>
public sealed record UpdateResult
{
    /// <summary>The number of tasks created.</summary>
    [JsonPropertyName("created")]
    public long Created { get; init; }

    /// <summary>The number of existing tasks replaced.</summary>
    [JsonPropertyName("updated")]
    public long Updated { get; init; }
}

/// <summary>The result of a delete.</summary>
public sealed record DeleteResult
{
    /// <summary>The number of tasks deleted (or, for promises, released).</summary>
    [JsonPropertyName("deleted")]
    public long Deleted { get; init; }
}
