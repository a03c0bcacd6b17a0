namespace Ratus.Application.Tasks;

// A task as a producer sent it, before defaults and path parameters are applied.
// <see cref="State"/> stays an integer so that out-of-range values reach validation.
public sealed record TaskDraft
{
    public string? Id { get; init; }

    public string? Topic { get; init; }

    public int State { get; init; }

    public string? Nonce { get; init; }

    public string? Producer { get; init; }

    public string? Consumer { get; init; }

    public DateTime? Produced { get; init; }

    public DateTime? Scheduled { get; init; }

    public DateTime? Consumed { get; init; }

    public DateTime? Deadline { get; init; }

    public byte[]? Payload { get; init; }

    public string? Defer { get; init; }

    public string? TraceParent { get; init; }
}
