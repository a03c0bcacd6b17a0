namespace Ratus.Infrastructure.Chores;

public sealed class ChoreOptions
{
    public const string SectionName = "Chore";

    /// <summary>Zero or less disables every background job.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan InitialDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Scales the initial delay by a uniform random factor in [0, 1).</summary>
    public bool InitialRandom { get; set; }

    /// <summary>How often expired promises are recovered between chores (spec D3: within 1 s of the deadline).</summary>
    public TimeSpan RecoveryInterval { get; set; } = TimeSpan.FromMilliseconds(500);
}
