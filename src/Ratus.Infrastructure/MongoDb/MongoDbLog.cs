using Microsoft.Extensions.Logging;

namespace Ratus.Infrastructure.MongoDb;

internal static partial class MongoDbLog
{
    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "MongoDB indexes of {Namespace} are in place (retention TTL {TtlSeconds} s)")]
    public static partial void IndexesEnsured(ILogger logger, string @namespace, int ttlSeconds);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Could not create the MongoDB indexes of {Namespace}; readiness will retry")]
    public static partial void IndexesFailed(ILogger logger, string @namespace, Exception exception);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Warning, Message = "MongoDB rejected the atomic {Operation} (code {Code}); switching to the fallback path for good")]
    public static partial void FallbackEnabled(ILogger logger, string operation, int code);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Warning, Message = "MongoDB cannot be reached ({Reason}); requests answer 503 until it answers again")]
    public static partial void Unreachable(ILogger logger, string reason);

    [LoggerMessage(EventId = 1206, Level = LogLevel.Information, Message = "MongoDB answers again")]
    public static partial void Reachable(ILogger logger);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Debug, Message = "Chore recovered {Recovered} expired promises")]
    public static partial void ChoreCompleted(ILogger logger, long recovered);
}
