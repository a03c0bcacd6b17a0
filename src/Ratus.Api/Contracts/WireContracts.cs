using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ratus.Api.Contracts;

// The wire shapes as the OpenAPI document shows them. Requests and responses are read and written by
// Json/WireReader and Json/WireWriter; these records only describe them.

/// <summary>A task. <c>defer</c> is accepted on input and never returned. <c>traceparent</c> (an addition to the
/// original's format) is the producer's W3C trace context: the one sent, else the push request's.</summary>
public sealed record TaskResource(
    [property: JsonPropertyName("_id")] string Id,
    [property: JsonPropertyName("topic")] string Topic,
    [property: JsonPropertyName("state")] int State,
    [property: JsonPropertyName("nonce")] string Nonce,
    [property: JsonPropertyName("producer")] string? Producer,
    [property: JsonPropertyName("consumer")] string? Consumer,
    [property: JsonPropertyName("produced")] DateTime? Produced,
    [property: JsonPropertyName("scheduled")] DateTime? Scheduled,
    [property: JsonPropertyName("consumed")] DateTime? Consumed,
    [property: JsonPropertyName("deadline")] DateTime? Deadline,
    [property: JsonPropertyName("payload")] JsonElement? Payload,
    [property: JsonPropertyName("defer")] string? Defer,
    [property: JsonPropertyName("traceparent")] string? TraceParent);

public sealed record TasksResource([property: JsonPropertyName("data")] IReadOnlyList<TaskResource> Data);

/// <summary>A promise: a claim on a task until its deadline. <c>timeout</c> is input only (default 10m).</summary>
public sealed record PromiseResource(
    [property: JsonPropertyName("_id")] string? Id,
    [property: JsonPropertyName("consumer")] string? Consumer,
    [property: JsonPropertyName("deadline")] DateTime? Deadline,
    [property: JsonPropertyName("timeout")] string? Timeout);

public sealed record PromisesResource([property: JsonPropertyName("data")] IReadOnlyList<PromiseResource> Data);

/// <summary>A commit. Every member is optional; <c>state</c> defaults to 2 (completed).</summary>
public sealed record CommitResource(
    [property: JsonPropertyName("nonce")] string? Nonce,
    [property: JsonPropertyName("topic")] string? Topic,
    [property: JsonPropertyName("state")] int? State,
    [property: JsonPropertyName("scheduled")] DateTime? Scheduled,
    [property: JsonPropertyName("payload")] JsonElement? Payload,
    [property: JsonPropertyName("defer")] string? Defer);

public sealed record TopicResource(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("count")] long? Count);

public sealed record TopicsResource([property: JsonPropertyName("data")] IReadOnlyList<TopicResource> Data);

public sealed record UpdatedResource(
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("updated")] long Updated);

public sealed record DeletedResource([property: JsonPropertyName("deleted")] long Deleted);

public sealed record ErrorResource([property: JsonPropertyName("error")] ErrorDetail Error);

public sealed record ErrorDetail(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("message")] string Message);
