using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Infrastructure;

namespace Ratus.Api.Json;

public static class WireResponse
{
    public const string JsonContentType = "application/json; charset=utf-8";

    // Buffered with a Content-Length rather than chunked: responses are small and clients read them whole.
    public static async Task WriteAsync<T>(HttpResponse response, int statusCode, T value, Action<Utf8JsonWriter, T> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WireWriter.Options))
        {
            write(writer, value);
        }

        response.StatusCode = statusCode;
        response.ContentType = JsonContentType;
        response.ContentLength = buffer.WrittenCount;
        await response.Body.WriteAsync(buffer.WrittenMemory, response.HttpContext.RequestAborted);
    }

    public static Task WriteErrorAsync(HttpResponse response, int statusCode, string message) =>
        WriteAsync(response, statusCode, (statusCode, message), static (w, e) => WireWriter.WriteError(w, e.statusCode, e.message));
}

public sealed class WireResult<T>(T value, Action<Utf8JsonWriter, T> write, int statusCode = StatusCodes.Status200OK)
    : IActionResult, IStatusCodeActionResult
{
    public int? StatusCode => statusCode;

    public Task ExecuteResultAsync(ActionContext context) =>
        WireResponse.WriteAsync(context.HttpContext.Response, statusCode, value, write);
}
