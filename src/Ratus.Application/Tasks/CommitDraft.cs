using Ratus.Domain.Time;

namespace Ratus.Application.Tasks;

// A commit as a consumer sent it. A null <see cref="State"/> means completed; a null payload leaves it unchanged.
public sealed record CommitDraft
{
    public static readonly CommitDraft Empty = new();

    public string? Nonce { get; init; }

    public string? Topic { get; init; }

    public int? State { get; init; }

    public Timestamp? Scheduled { get; init; }

    public byte[]? Payload { get; init; }

    public string? Defer { get; init; }
}
