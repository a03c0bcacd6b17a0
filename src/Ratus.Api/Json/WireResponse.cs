using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Infrastructure;

namespace Ratus.Api.Json;

public static class WireResponse
{
    public const string JsonContentType = "application/json; charset=utf-8";

    // One buffer and JSON writer per thread, taken while a response is written, so a response allocates neither.
    [ThreadStatic]
    private static ResponseBuffer? s_buffer;

    // Buffered with a Content-Length rather than chunked: responses are small and clients read them whole.
    public static async Task WriteAsync<T>(HttpResponse response, int statusCode, T value, Action<Utf8JsonWriter, T> write)
    {
        var buffer = s_buffer ?? new ResponseBuffer();
        s_buffer = null;
        var output = buffer.Start();
        write(buffer.Json, value);
        buffer.Json.Flush();

        response.StatusCode = statusCode;
        response.ContentType = JsonContentType;
        response.ContentLength = output.WrittenCount;
        await response.Body.WriteAsync(output.WrittenMemory, response.HttpContext.RequestAborted);
        if (output.Capacity <= ResponseBuffer.KeptCapacity)
        {
            s_buffer = buffer;
        }
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

internal sealed class ResponseBuffer
{
    // Larger buffers (long task lists) are left to the garbage collector rather than kept by a thread.
    public const int KeptCapacity = 64 * 1024;

    private readonly ArrayBufferWriter<byte> _output = new(1024);

    public ResponseBuffer() => Json = new Utf8JsonWriter(_output, WireWriter.Options);

    public Utf8JsonWriter Json { get; }

    public ArrayBufferWriter<byte> Start()
    {
        _output.ResetWrittenCount();
        Json.Reset(_output);
        return _output;
    }
}
