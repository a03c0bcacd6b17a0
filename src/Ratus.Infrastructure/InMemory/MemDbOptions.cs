namespace Ratus.Infrastructure.InMemory;

public sealed class MemDbOptions
{
    public const string SectionName = "MemDb";

    // Empty keeps everything in memory only.
    public string SnapshotPath { get; set; } = "";

    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan RetentionPeriod { get; set; } = TimeSpan.FromHours(72);
}
