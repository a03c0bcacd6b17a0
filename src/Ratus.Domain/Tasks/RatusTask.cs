namespace Ratus.Domain.Tasks;

// A task as stored by an engine. Times are UTC; <see cref="Payload"/> is the exact UTF-8 JSON text the producer sent.
public sealed record RatusTask
{
    public required string Id { get; init; }

    public required string Topic { get; init; }

    public TaskState State { get; init; }

    public string Nonce { get; init; } = "";

    public string? Producer { get; init; }

    public string? Consumer { get; init; }

    public DateTime? Produced { get; init; }

    public DateTime? Scheduled { get; init; }

    public DateTime? Consumed { get; init; }

    public DateTime? Deadline { get; init; }

    public byte[]? Payload { get; init; }

    // The W3C trace context (`00-<trace-id>-<span-id>-<flags>`) of the request that produced the task, so that a
    // consumer's span can link to the producer's; null when unknown.
    public string? TraceParent { get; init; }
}
