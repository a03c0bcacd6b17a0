namespace Ratus.Infrastructure.InMemory;

public sealed class MemDbOptions
{
    public const string SectionName = "MemDb";

    // Empty keeps everything in memory only.
    public string SnapshotPath { get; set; } = "";

    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan RetentionPeriod { get; set; } = TimeSpan.FromHours(72);

    // Empty turns the append-only log off.
    public string AofPath { get; set; } = "";

    public AofFsyncMode AofFsync { get; set; } = AofFsyncMode.Everysec;

    // Compact (snapshot and start a new log) once the log grows past this many bytes (0: only on the snapshot interval).
    public long AofMaxSize { get; set; } = 64L << 20;

    // Start from the last good record when the log is corrupt in the middle.
    public bool AofRepair { get; set; }

    /// The snapshot file: the configured one, or one next to the log when only the log is configured.
    public string EffectiveSnapshotPath =>
        !string.IsNullOrEmpty(SnapshotPath) ? SnapshotPath : string.IsNullOrEmpty(AofPath) ? "" : AofPath + ".snapshot";
}
