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
}
