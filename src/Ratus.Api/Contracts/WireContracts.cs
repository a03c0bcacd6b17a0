using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ratus.Api.Contracts;

// The wire shapes as the OpenAPI document shows them. Requests and responses are read and written by
// Json/WireReader and Json/WireWriter; these records only describe them. A member is omitted, never null, when it
// has no value; [JsonRequired] marks the members a response always has, in records that only responses use.

/// <summary>A task. <c>defer</c> is accepted on input and never returned.</summary>
/// <param name="Id">Unique across all topics. On a by-ID route it may be left out (the path's is taken) but must not differ.</param>
/// <param name="Topic">Left out, the path's topic; a different one wins over the path's.</param>
/// <param name="State">0 pending, 1 active, 2 completed, 3 archived.</param>
/// <param name="Nonce">Set when the task is claimed, empty otherwise; a commit that carries it only succeeds while it is current.</param>
/// <param name="Producer">The producer's name.</param>
/// <param name="Consumer">The consumer of the last claim; kept when the claim ends.</param>
/// <param name="Produced">When the task was pushed (RFC 3339); default now.</param>
/// <param name="Scheduled">Earliest execution time (RFC 3339); default now, or now plus <c>defer</c>.</param>
/// <param name="Consumed">When the task was last claimed.</param>
/// <param name="Deadline">When the last claim expires or expired.</param>
/// <param name="Payload">Any JSON value, kept exactly as sent.</param>
/// <param name="Defer">A Go duration such as <c>30s</c> or <c>1h30m</c> added to now when <c>scheduled</c> is absent.</param>
/// <param name="TraceParent">The producer's W3C trace context (an addition to the original's format): the one sent, else the push request's.</param>
public sealed record TaskResource(
    [property: JsonPropertyName("_id")] string Id,
    [property: JsonPropertyName("topic")] string Topic,
    [property: JsonPropertyName("state"), Range(0, 3)] int State,
    [property: JsonPropertyName("nonce")] string Nonce,
    [property: JsonPropertyName("producer")] string? Producer,
    [property: JsonPropertyName("consumer")] string? Consumer,
    [property: JsonPropertyName("produced")] DateTime? Produced,
    [property: JsonPropertyName("scheduled")] DateTime? Scheduled,
    [property: JsonPropertyName("consumed")] DateTime? Consumed,
    [property: JsonPropertyName("deadline")] DateTime? Deadline,
    [property: JsonPropertyName("payload")] JsonElement? Payload,
    [property: JsonPropertyName("defer"), InputOnly] string? Defer,
    [property: JsonPropertyName("traceparent")] string? TraceParent);

/// <summary>A batch of tasks; each may name its own topic, else it takes the path's.</summary>
public sealed record TasksResource([property: JsonPropertyName("data")] IReadOnlyList<TaskResource> Data);

/// <summary>A promise: a claim on a task until its deadline. <c>timeout</c> is input only (default 10m).</summary>
/// <param name="Id">The task to claim; empty or absent, the next due task of the topic.</param>
/// <param name="Consumer">The consumer's name, copied into the task.</param>
/// <param name="Deadline">When the promise expires (RFC 3339); wins over <c>timeout</c>.</param>
/// <param name="Timeout">How long the promise lasts, as a Go duration such as <c>30s</c>.</param>
public sealed record PromiseResource(
    [property: JsonPropertyName("_id")] string? Id,
    [property: JsonPropertyName("consumer")] string? Consumer,
    [property: JsonPropertyName("deadline")] DateTime? Deadline,
    [property: JsonPropertyName("timeout"), InputOnly] string? Timeout);

public sealed record PromisesResource([property: JsonPropertyName("data"), JsonRequired] IReadOnlyList<PromiseResource> Data);

/// <summary>A commit. Every member is optional; <c>state</c> defaults to 2 (completed).</summary>
/// <param name="Nonce">The nonce the task was claimed with; empty or absent, the commit is not checked.</param>
/// <param name="Topic">Moves the task to this topic.</param>
/// <param name="State">The state after the commit: 0 pending (a retry), 1 active, 2 completed (default), 3 archived.</param>
/// <param name="Scheduled">Reschedules the task (RFC 3339).</param>
/// <param name="Payload">Any JSON value; replaces the payload unless absent or null.</param>
/// <param name="Defer">A Go duration added to now when <c>scheduled</c> is absent.</param>
public sealed record CommitResource(
    [property: JsonPropertyName("nonce")] string? Nonce,
    [property: JsonPropertyName("topic")] string? Topic,
    [property: JsonPropertyName("state"), Range(0, 3)] int? State,
    [property: JsonPropertyName("scheduled")] DateTime? Scheduled,
    [property: JsonPropertyName("payload")] JsonElement? Payload,
    [property: JsonPropertyName("defer")] string? Defer);

/// <param name="Name">The topic's name.</param>
/// <param name="Count">Tasks in the topic, in any state; only a single topic's carries it.</param>
public sealed record TopicResource(
    [property: JsonPropertyName("name"), JsonRequired] string Name,
    [property: JsonPropertyName("count")] long? Count);

public sealed record TopicsResource([property: JsonPropertyName("data"), JsonRequired] IReadOnlyList<TopicResource> Data);

public sealed record UpdatedResource(
    [property: JsonPropertyName("created"), JsonRequired] long Created,
    [property: JsonPropertyName("updated"), JsonRequired] long Updated);

public sealed record DeletedResource([property: JsonPropertyName("deleted"), JsonRequired] long Deleted);

/// <summary>Every error: <c>code</c> is the HTTP status.</summary>
public sealed record ErrorResource([property: JsonPropertyName("error"), JsonRequired] ErrorDetail Error);

public sealed record ErrorDetail(
    [property: JsonPropertyName("code"), JsonRequired] int Code,
    [property: JsonPropertyName("message"), JsonRequired] string Message);
