using Microsoft.Extensions.Logging;

namespace Ratus.Infrastructure.InMemory;

internal static partial class MemDbLog
{
    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Loaded {Count} tasks from memdb snapshot {Path} in {ElapsedMilliseconds} ms")]
    public static partial void SnapshotLoaded(ILogger logger, int count, string path, long elapsedMilliseconds);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Debug, Message = "Wrote {Count} tasks to memdb snapshot {Path} in {ElapsedMilliseconds} ms")]
    public static partial void SnapshotWritten(ILogger logger, int count, string path, long elapsedMilliseconds);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Debug, Message = "Chore recovered {Recovered} expired promises and purged {Purged} completed tasks")]
    public static partial void ChoreCompleted(ILogger logger, long recovered, long purged);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Warning, Message = "memdb append-only log {Path} ends with a torn or corrupt record at offset {Offset}; truncated {Bytes} bytes")]
    public static partial void AofTornTail(ILogger logger, string path, long offset, long bytes);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Warning, Message = "memdb append-only log {Path} is corrupt at offset {Offset}; --memdb-aof-repair dropped the last {Bytes} bytes")]
    public static partial void AofRepaired(ILogger logger, string path, long offset, long bytes);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Error, Message = "memdb append-only log {Path} cannot be written ({Reason}); changes are refused with 503 and /readyz answers 503 until it can")]
    public static partial void AofFaulted(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 1107, Level = LogLevel.Information, Message = "Replayed {Count} changes from memdb append-only log {Path} (generation {Generation}, fsync {Mode}) in {ElapsedMilliseconds} ms")]
    public static partial void AofReplayed(ILogger logger, long count, string path, long generation, AofFsyncMode mode, long elapsedMilliseconds);

    [LoggerMessage(EventId = 1108, Level = LogLevel.Information, Message = "memdb append-only log {Path} is writable again; changes are accepted")]
    public static partial void AofWritableAgain(ILogger logger, string path);

    [LoggerMessage(EventId = 1109, Level = LogLevel.Warning, Message = "{Problem}; --memdb-aof-repair {Action}")]
    public static partial void AofGenerationRepaired(ILogger logger, string problem, string action);

    [LoggerMessage(EventId = 1110, Level = LogLevel.Error, Message = "memdb snapshot {Path} cannot be written ({Reason}); {Consequence}")]
    public static partial void SnapshotFailed(ILogger logger, string path, string reason, string consequence);

    [LoggerMessage(EventId = 1111, Level = LogLevel.Information, Message = "memdb snapshot {Path} written again")]
    public static partial void SnapshotWrittenAgain(ILogger logger, string path);
}
