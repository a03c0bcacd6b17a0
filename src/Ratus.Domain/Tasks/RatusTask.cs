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
}
