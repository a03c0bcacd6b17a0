using Ratus.Api.Json;
using Ratus.Domain.Errors;

namespace Ratus.Api.Errors;

// The one place where failures become responses, always in the original's envelope
// {"error":{"code":N,"message":"…"}} that existing clients parse (not ProblemDetails).
public sealed partial class ErrorEnvelopeMiddleware(RequestDelegate next, ILogger<ErrorEnvelopeMiddleware> logger)
{
    public const int ClientClosedRequest = 499;

    public const string InternalServerError = "internal server error";

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception exception) when (!context.Response.HasStarted)
        {
            var (code, message) = Describe(exception, context);
            if (code == StatusCodes.Status500InternalServerError)
            {
                LogUnhandled(exception, context.Request.Method, context.Request.Path);
            }

            context.Response.Clear();
            if (code != ClientClosedRequest)
            {
                await WireResponse.WriteErrorAsync(context.Response, code, message);
            }
            else
            {
                context.Response.StatusCode = code;
            }
        }
    }

    public static (int Code, string Message) Describe(Exception exception, HttpContext context) => exception switch
    {
        BadRequestException e => (StatusCodes.Status400BadRequest, e.Message),
        NotFoundException e => (StatusCodes.Status404NotFound, e.Message),
        ConflictException e => (StatusCodes.Status409Conflict, e.Message),
        ServiceUnavailableException e => (StatusCodes.Status503ServiceUnavailable, e.Message),
        BadHttpRequestException { StatusCode: StatusCodes.Status400BadRequest } e => (e.StatusCode, $"bad request: {e.Message}"),
        BadHttpRequestException { StatusCode: < StatusCodes.Status500InternalServerError } e => (e.StatusCode, e.Message),
        OperationCanceledException when context.RequestAborted.IsCancellationRequested => (ClientClosedRequest, "client closed request"),
        // Never the exception's text: it can hold a driver's cluster description, a connection string or a file
        // path. The detail goes to the log, once, with the exception.
        _ => (StatusCodes.Status500InternalServerError, InternalServerError),
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled failure of {Method} {Path}")]
    private partial void LogUnhandled(Exception exception, string method, string path);
}
