namespace Ratus.Application.Diagnostics;

// The topic an API request turned out to concern, for the topic label of ratus_request_duration_seconds. The client
// SDK, like the original's Go client, calls every by-ID route with an empty topic segment (/v1/topics//tasks/{id})
// and pushes batches to /v1/topics//tasks, so the path alone would label all of that traffic topic="". Whoever
// measures a request opens a scope around it; MetricsBehavior records the topic of the task the handler found or
// wrote. The scope flows with the request's execution context, like Activity.Current, because the mediator's
// behaviours are singletons that cannot take per-request services.
public sealed class RequestTopic
{
    private static readonly AsyncLocal<RequestTopic?> Scope = new();

    private RequestTopic()
    {
    }

    // The scope of the request being handled, or null outside one (a message sent by something other than a request).
    public static RequestTopic? Current => Scope.Value;

    // The topic found, or null when the request's path topic stands.
    public string? Topic { get; set; }

    // Opens a scope for the rest of the calling async method and what it awaits. Call it from an async method: the
    // scope then ends when that method returns.
    public static RequestTopic Open()
    {
        var scope = new RequestTopic();
        Scope.Value = scope;
        return scope;
    }
}
