namespace Ratus.Infrastructure.Chores;

public sealed class ChoreOptions
{
    public const string SectionName = "Chore";

    // Zero or less disables every background job.
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan InitialDelay { get; set; } = TimeSpan.Zero;

    // Scales the initial delay by a uniform random factor in [0, 1).
    public bool InitialRandom { get; set; }

    // How often expired promises are recovered between chores (docs/protocol.md, D3: within 1 s of the deadline).
    public TimeSpan RecoveryInterval { get; set; } = TimeSpan.FromMilliseconds(500);
}
