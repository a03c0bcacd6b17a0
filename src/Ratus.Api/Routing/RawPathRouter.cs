using System.Collections.Frozen;
using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing.Patterns;
using Ratus.Api.Errors;
using Ratus.Api.Json;
using Ratus.Application.Diagnostics;

namespace Ratus.Api.Routing;

// Selects the endpoint of an API request from the raw path before ASP.NET Core's routing runs (routing skips
// matching when an endpoint is already set). Also answers what the original's router answers itself: a redirect
// for a trailing slash, and here a 405 with Allow for a known path with the wrong method (spec D7).
// It also records ratus_request_duration_seconds for the API routes it matched (spec §6), with the original's labels.
public sealed class RawPathRouter(RequestDelegate next, EndpointDataSource endpointSource, RatusMetrics metrics)
{
    // The endpoint label of each template, as requested with the /v1 prefix and at the root.
    private static readonly FrozenDictionary<string, string> EndpointLabels =
        ApiRoutes.All.ToFrozenDictionary(t => t, t => "/" + GoSyntax(t));

    private static readonly FrozenDictionary<string, string> RootEndpointLabels =
        ApiRoutes.All.ToFrozenDictionary(t => t, t => "/" + GoSyntax(t[(ApiRoutes.Prefix.Length + 1)..]));

    private readonly RouteTable _table = new();
    private FrozenDictionary<string, RouteEndpoint[]>? _endpoints;

    public Task InvokeAsync(HttpContext context)
    {
        var path = RawPath(context);
        if (path is null)
        {
            return next(context);
        }

        // A trailing slash redirects before matching: "/v1/topics/" is the topic list, not the topic "".
        if (path.Length > 1 && path.EndsWith('/') && _table.Match(path[..^1]) is not null)
        {
            return Redirect(context, path[..^1]);
        }

        var match = _table.Match(path);
        if (match is null)
        {
            return next(context);
        }

        var candidates = Endpoints().GetValueOrDefault(match.Template, []);
        var method = context.Request.Method;
        var endpoint = FindAllowing(candidates, method);
        if (endpoint is null)
        {
            return MethodNotAllowed(context, candidates);
        }

        var values = new RouteValueDictionary(endpoint.RoutePattern.RequiredValues);
        foreach (var (name, value) in match.Values)
        {
            values[name] = value;
        }

        context.Request.RouteValues = values;
        context.SetEndpoint(endpoint);
        return match.Template == ApiRoutes.Metrics ? next(context) : InvokeMeasuredAsync(context, match);
    }

    private async Task InvokeMeasuredAsync(HttpContext context, RouteMatch match)
    {
        var started = Stopwatch.GetTimestamp();
        var found = RequestTopic.Open();
        try
        {
            await next(context);
            Record(context, match, found, started, context.Response.StatusCode);
        }
        catch (Exception exception)
        {
            // The error middleware outside turns the exception into the response; record the code it will send.
            var status = context.Response.HasStarted
                ? context.Response.StatusCode
                : ErrorEnvelopeMiddleware.Describe(exception, context).Code;
            Record(context, match, found, started, status);
            throw;
        }
    }

    // The topic label is the topic of the task the request concerned, where the handler found one (README, Metrics),
    // else the path's.
    private void Record(HttpContext context, RouteMatch match, RequestTopic found, long started, int status)
    {
        var topic = found.Topic ?? Array.Find(match.Values, v => v.Key == "topic").Value ?? "";
        metrics.RecordRequest(Stopwatch.GetElapsedTime(started), topic, context.Request.Method, EndpointLabel(match), status);
    }

    // The route template as the original's Prometheus middleware reports it: with the prefix actually used, in Go's
    // ":param" syntax, e.g. "/v1/topics/:topic/tasks/:id" or "/topics".
    private static string EndpointLabel(RouteMatch match) =>
        (match.Prefixed ? EndpointLabels : RootEndpointLabels)[match.Template];

    private static string GoSyntax(string template) =>
        string.Join('/', template.Split('/').Select(s => s.StartsWith('{') ? ":" + s[1..^1] : s));

    private static string? RawPath(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target) || target[0] != '/')
        {
            target = context.Request.PathBase.ToUriComponent() + context.Request.Path.ToUriComponent();
        }

        var query = target.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? target : target[..query];
    }

    private static RouteEndpoint? FindAllowing(RouteEndpoint[] candidates, string method)
    {
        foreach (var endpoint in candidates)
        {
            if (endpoint.Metadata.GetMetadata<HttpMethodMetadata>() is not { } metadata)
            {
                return endpoint;
            }

            foreach (var allowed in metadata.HttpMethods)
            {
                if (string.Equals(allowed, method, StringComparison.OrdinalIgnoreCase))
                {
                    return endpoint;
                }
            }
        }

        return null;
    }

    private static Task Redirect(HttpContext context, string location)
    {
        context.Response.StatusCode = HttpMethods.IsGet(context.Request.Method)
            ? StatusCodes.Status301MovedPermanently
            : StatusCodes.Status307TemporaryRedirect;
        context.Response.Headers.Location = location + context.Request.QueryString;
        return Task.CompletedTask;
    }

    private static Task MethodNotAllowed(HttpContext context, RouteEndpoint[] candidates)
    {
        var allowed = candidates
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])
            .Distinct(StringComparer.OrdinalIgnoreCase);
        context.Response.Headers.Allow = string.Join(", ", allowed);
        return WireResponse.WriteErrorAsync(context.Response, StatusCodes.Status405MethodNotAllowed, "method not allowed");
    }

    private FrozenDictionary<string, RouteEndpoint[]> Endpoints() =>
        _endpoints ??= endpointSource.Endpoints
            .OfType<RouteEndpoint>()
            .Select(e => (Template: TemplateOf(e.RoutePattern), Endpoint: e))
            .Where(e => ApiRoutes.All.Contains(e.Template))
            .GroupBy(e => e.Template, e => e.Endpoint)
            .ToFrozenDictionary(g => g.Key, g => g.ToArray());

    private static string TemplateOf(RoutePattern pattern) => (pattern.RawText ?? "").TrimStart('/');
}
