namespace Ratus.Api.Middleware;

// Every origin is allowed, with the headers the original's CORS defaults send (docs/protocol.md §2.1).
public sealed class CorsMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var headers = context.Response.Headers;
        if (request.Headers.Origin.Count > 0)
        {
            // At the start of the response, not now: the error envelope clears the headers of a failed request, and a
            // browser cannot read an error that lacks this header.
            context.Response.OnStarting(static state =>
            {
                ((HttpResponse)state).Headers.AccessControlAllowOrigin = "*";
                return Task.CompletedTask;
            }, context.Response);
        }

        if (!HttpMethods.IsOptions(request.Method) || request.Headers.AccessControlRequestMethod.Count == 0)
        {
            return next(context);
        }

        headers.AccessControlAllowOrigin = "*";
        headers.AccessControlAllowMethods = "GET,POST,PUT,PATCH,DELETE,HEAD,OPTIONS";
        headers.AccessControlAllowHeaders = "Origin,Content-Length,Content-Type";
        headers.AccessControlMaxAge = "43200";
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }
}
