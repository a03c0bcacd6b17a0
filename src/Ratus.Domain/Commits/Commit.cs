using Ratus.Domain.Tasks;
using Ratus.Domain.Time;

namespace Ratus.Domain.Commits;

// A resolved commit: defaults applied and any relative defer already turned into <see cref="Scheduled"/>.
// An empty <see cref="Nonce"/> is a force commit.
public sealed record Commit
{
    public string Nonce { get; init; } = "";

    public string Topic { get; init; } = "";

    public TaskState State { get; init; } = TaskState.Completed;

    public Timestamp? Scheduled { get; init; }

    public byte[]? Payload { get; init; }
}
