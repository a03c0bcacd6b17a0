using Ratus.Domain.Time;

namespace Ratus.Application.Promises;

// A promise as a consumer sent it (body and query merged). An absolute deadline wins over a relative timeout.
public sealed record PromiseDraft
{
    public static readonly PromiseDraft Empty = new();

    public string? Id { get; init; }

    public string? Consumer { get; init; }

    public Timestamp? Deadline { get; init; }

    public string? Timeout { get; init; }
}
