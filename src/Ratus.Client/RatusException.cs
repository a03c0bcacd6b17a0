namespace Ratus.Client;

/// <summary>The Ratus server answered with an error status. <see cref="Exception.Message"/> is the server's message
/// (from its <c>{"error":{"code","message"}}</c> envelope) or, for a body that is not that envelope, a description of the status.</summary>
/// <remarks>Transport failures are reported as <see cref="HttpRequestException"/> and cancellation as
/// <see cref="OperationCanceledException"/>, never as this type.</remarks>
/// <param name="statusCode">The HTTP status code of the response.</param>
/// <param name="message">The server's message.</param>
/// <param name="innerException">The cause, if any.</param>
public class RatusException(int statusCode, string message, Exception? innerException = null) : Exception(message, innerException)
{
    /// <summary>The HTTP status code of the response (for the Go server, also the envelope's <c>code</c>).</summary>
    public int StatusCode { get; } = statusCode;

    internal static RatusException Create(int statusCode, string message) => statusCode switch
    {
        400 => new RatusBadRequestException(message),
        404 => new RatusNotFoundException(message),
        409 => new RatusConflictException(message),
        503 => new RatusServiceUnavailableException(message),
        _ => new RatusException(statusCode, message),
    };
}

/// <summary>400: the request was invalid (bad body, duration, pagination or state).</summary>
/// <param name="message">The server's message.</param>
public sealed class RatusBadRequestException(string message) : RatusException(400, message);

/// <summary>404: no such task, topic or promise, or (for a poll) nothing is due.</summary>
/// <param name="message">The server's message.</param>
public sealed class RatusNotFoundException(string message) : RatusException(404, message);

/// <summary>409: the task already exists, is not pending, or was modified by others (nonce mismatch).</summary>
/// <param name="message">The server's message.</param>
public sealed class RatusConflictException(string message) : RatusException(409, message);

/// <summary>503: the server's storage engine is not ready.</summary>
/// <param name="message">The server's message.</param>
public sealed class RatusServiceUnavailableException(string message) : RatusException(503, message);
