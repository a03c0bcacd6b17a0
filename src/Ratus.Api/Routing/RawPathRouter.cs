using System.Collections.Frozen;
using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing.Patterns;
using Ratus.Api.Errors;
using Ratus.Api.Json;
using Ratus.Application.Diagnostics;

namespace Ratus.Api.Routing;

// The server's only router. It selects the endpoint of every request from the raw request target, exactly and
// case-sensitively as the original's router (gin, matching the raw path) does: "%74opics" is not "topics", and a ".."
// segment is a parameter value or no route at all, never a step to another route (Kestrel resolves dot segments in
// Request.Path, which a second, path-based router would then serve; reverse-proxy rules on paths depend on this).
// ASP.NET Core's routing middleware still sits in the pipeline, where the framework wires endpoints, but it skips
// matching when an endpoint is already set, and this router always sets one: the matched endpoint, or for any other
// request an endpoint without a delegate, which Swagger UI's files and the 404 fallback after it serve.
// It also answers what the original's router answers itself: a redirect for a trailing slash, and here a 405 with
// Allow for a known path with the wrong method (docs/protocol.md, D7). And it records ratus_request_duration_seconds for the API
// routes it matched (docs/protocol.md §6), with the original's labels.
public sealed class RawPathRouter(RequestDelegate next, EndpointDataSource endpointSource, RatusMetrics metrics)
{
    // The endpoint label of each template, as requested with the /v1 prefix and at the root.
    private static readonly FrozenDictionary<string, string> EndpointLabels =
        ApiRoutes.All.ToFrozenDictionary(t => t, t => "/" + GoSyntax(t));

    private static readonly FrozenDictionary<string, string> RootEndpointLabels =
        ApiRoutes.All.ToFrozenDictionary(t => t, t => "/" + GoSyntax(t[(ApiRoutes.Prefix.Length + 1)..]));

    private static readonly Endpoint NoEndpoint = new(requestDelegate: null, EndpointMetadataCollection.Empty, "no route");

    private readonly RouteTable _table = new();
    private FrozenDictionary<string, RouteEndpoint[]>? _endpoints;
    private FrozenDictionary<string, RouteEndpoint[]>? _fixedEndpoints;

    public Task InvokeAsync(HttpContext context)
    {
        var path = RawPath(context);

        // A trailing slash redirects before matching: "/v1/topics/" is the topic list, not the topic "".
        if (path.Length > 1 && path.EndsWith('/') && _table.Match(path[..^1]) is not null)
        {
            return Redirect(context, path[..^1]);
        }

        var match = _table.Match(path);
        if (match is null)
        {
            return InvokeFixedAsync(context, path);
        }

        var candidates = Endpoints().GetValueOrDefault(match.Template, []);
        var endpoint = FindAllowing(candidates, context.Request.Method);
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

    // The endpoints outside the API (the OpenAPI documents), each at one exact path; anything else has no endpoint.
    private Task InvokeFixedAsync(HttpContext context, string path)
    {
        if (!FixedEndpoints().TryGetValue(path, out var candidates))
        {
            context.SetEndpoint(NoEndpoint);
            return next(context);
        }

        if (FindAllowing(candidates, context.Request.Method) is not { } endpoint)
        {
            return MethodNotAllowed(context, candidates);
        }

        context.SetEndpoint(endpoint);
        return next(context);
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

    // The path of the request target as sent, still percent-encoded, without the query.
    private static string RawPath(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target))
        {
            // Only TestServer leaves the raw target out; its path has not been through Kestrel's normalisation.
            target = context.Request.PathBase.ToUriComponent() + context.Request.Path.ToUriComponent();
        }
        else if (target[0] != '/')
        {
            // The absolute form a proxy sends (http://host/v1/topics): the path is what follows the authority. The
            // asterisk form (OPTIONS *) has none.
            var authority = target.IndexOf("://", StringComparison.Ordinal);
            var slash = authority < 0 ? -1 : target.IndexOf('/', authority + 3);
            target = slash < 0 ? "" : target[slash..];
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
                // Methods are case-sensitive (RFC 9110): "get" is not GET.
                if (string.Equals(allowed, method, StringComparison.Ordinal))
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

    private FrozenDictionary<string, RouteEndpoint[]> FixedEndpoints() =>
        _fixedEndpoints ??= endpointSource.Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.Parameters.Count == 0 && !ApiRoutes.All.Contains(TemplateOf(e.RoutePattern)))
            .GroupBy(e => "/" + TemplateOf(e.RoutePattern), StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);

    private static string TemplateOf(RoutePattern pattern) => (pattern.RawText ?? "").TrimStart('/');
}
