using System.Diagnostics;
using Ratus.Domain.Tasks;

namespace Ratus.Application.Diagnostics;

/// The "Ratus" activity source and the trace context a push stores with its tasks.
public static class TraceContext
{
    public const string SourceName = "Ratus";

    public static readonly ActivitySource Source = new(SourceName, typeof(TraceContext).Assembly.GetName().Version?.ToString(3));

    /// The producer's context for a task pushed now: the remote parent the request came with (its `traceparent`
    /// header), else the current activity (the server's push span) if it is recorded; null otherwise.
    public static string? ProducerTraceParent()
    {
        var current = Activity.Current;
        if (current is null || current.IdFormat != ActivityIdFormat.W3C)
        {
            return null;
        }

        var root = current;
        while (root.Parent is not null)
        {
            root = root.Parent;
        }

        if (root.ParentId is { } remote && TraceParent.IsValid(remote))
        {
            return remote;
        }

        return current.Recorded ? TraceParent.Format(current.Context) : null;
    }
}
