using System.Net;
using Microsoft.Extensions.Logging;
using MongoDB.Driver;
using MongoDB.Driver.Core.Servers;
using Ratus.Domain.Errors;

namespace Ratus.Infrastructure.MongoDb;

/// Whether MongoDB answers, as this node last saw it. The change is logged once each way, with a short reason, rather
/// than a stack trace per failed call: "cannot be reached" when a call first fails for want of MongoDB, "answers again"
/// when one next succeeds. Callers get <see cref="ServiceUnavailableException"/>, never the driver's exception, whose
/// message is a cluster description of a few kilobytes.
internal sealed class MongoReachability(IMongoClient client, ILogger logger)
{
    public const string Detail = "the storage engine cannot be reached";

    private const int Unknown = 0;
    private const int Reachable = 1;
    private const int Unreachable = 2;

    private int _state = Unknown;

    /// The driver's failures that mean MongoDB cannot serve right now: no server selected in time, a connection
    /// refused, lost or not authenticated, a primary stepping down or a node recovering, a saturated connection
    /// pool, a server-side time limit, a server too old for the driver.
    public static bool IsOutage(Exception exception) => exception is TimeoutException
        or MongoConnectionException
        or MongoNotPrimaryException
        or MongoNodeIsRecoveringException
        or MongoWaitQueueFullException
        or MongoExecutionTimeoutException
        or MongoIncompatibleDriverException;

    /// Throws when the driver's last heartbeat to every server failed: the call could only wait out the server-selection
    /// timeout and fail. Before the first heartbeat, and while any server answers (an election), calls go ahead.
    public void ThrowIfKnownUnreachable()
    {
        var servers = client.Cluster.Description.Servers;
        if (servers.Count == 0)
        {
            return;
        }

        foreach (var server in servers)
        {
            if (server.HeartbeatException is null)
            {
                return;
            }
        }

        throw Lost(Heartbeats(servers));
    }

    public void Reached()
    {
        if (Volatile.Read(ref _state) != Reachable && Interlocked.Exchange(ref _state, Reachable) == Unreachable)
        {
            MongoDbLog.Reachable(logger);
        }
    }

    /// Records the outage that <paramref name="exception"/> shows and returns the exception for the caller to throw.
    public ServiceUnavailableException Lost(Exception exception) => Lost(Reason(exception));

    private ServiceUnavailableException Lost(string reason)
    {
        if (Interlocked.Exchange(ref _state, Unreachable) != Unreachable)
        {
            MongoDbLog.Unreachable(logger, reason);
        }

        return new ServiceUnavailableException(Detail);
    }

    // What the driver's heartbeats saw ("127.0.0.1:27017: Connection refused") says more than the exception of one call.
    private string Reason(Exception exception)
    {
        var heartbeats = Heartbeats(client.Cluster.Description.Servers);
        if (heartbeats.Length > 0)
        {
            return heartbeats;
        }

        return exception is TimeoutException or OperationCanceledException
            ? "no server was selected in time"
            : Innermost(exception).Message;
    }

    private static string Heartbeats(IReadOnlyList<ServerDescription> servers) => string.Join("; ", servers
        .Where(s => s.HeartbeatException is not null)
        .Select(s => $"{Format(s.EndPoint)}: {Innermost(s.HeartbeatException).Message}"));

    private static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is { } inner)
        {
            exception = inner;
        }

        return exception;
    }

    private static string Format(EndPoint endPoint) => endPoint switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endPoint.ToString() ?? "",
    };
}
