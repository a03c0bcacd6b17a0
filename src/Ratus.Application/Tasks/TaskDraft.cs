using Ratus.Domain.Time;

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

    public Timestamp? Produced { get; init; }

    public Timestamp? Scheduled { get; init; }

    public Timestamp? Consumed { get; init; }

    public Timestamp? Deadline { get; init; }

    public byte[]? Payload { get; init; }

    public string? Defer { get; init; }

    public string? TraceParent { get; init; }
}
