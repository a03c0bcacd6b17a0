using Ratus.Api.Json;

namespace Ratus.Api.Errors;

public static class NotFoundFallback
{
    public static Task WriteAsync(HttpContext context) =>
        WireResponse.WriteErrorAsync(context.Response, StatusCodes.Status404NotFound, "not found");
}
