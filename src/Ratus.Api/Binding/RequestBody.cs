using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace Ratus.Api.Binding;

public static class RequestBody
{
    public delegate T Parser<out T>(ReadOnlySpan<byte> body);

    // Reads the whole body from the request's pipe and parses it in place: a body that arrived in one segment (nearly
    // all of them) is parsed where Kestrel received it, a larger one is gathered into a pooled buffer first. Nothing
    // is allocated for the bytes themselves; the parser copies out what it keeps.
    public static async Task<T> ReadAsync<T>(HttpRequest request, long maxSize, Parser<T> parse)
    {
        // Kestrel enforces the same limit; this check covers hosts that do not (in-process test servers).
        if (request.ContentLength > maxSize)
        {
            throw TooLarge(maxSize);
        }

        var reader = request.BodyReader;
        var aborted = request.HttpContext.RequestAborted;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await reader.ReadAsync(aborted);
            }
            catch (IOException exception) when (exception is not BadHttpRequestException and not ConnectionResetException
                                                     && !aborted.IsCancellationRequested)
            {
                // Kestrel reports a malformed body as a BadHttpRequestException (an IOException) with its status, but a
                // chunk size that overflows as a bare IOException ("Bad chunk size data.", an OverflowException inside):
                // the client's fault too.
                throw new BadHttpRequestException(exception.Message, StatusCodes.Status400BadRequest, exception);
            }

            var buffer = result.Buffer;
            if (buffer.Length > maxSize)
            {
                reader.AdvanceTo(buffer.End);
                throw TooLarge(maxSize);
            }

            if (result.IsCompleted)
            {
                try
                {
                    return Parse(buffer, parse);
                }
                finally
                {
                    reader.AdvanceTo(buffer.End);
                }
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    public static bool IsBlank(ReadOnlySpan<byte> body) => body.Trim(" \t\r\n"u8).IsEmpty;

    private static T Parse<T>(ReadOnlySequence<byte> buffer, Parser<T> parse)
    {
        if (buffer.IsSingleSegment)
        {
            return parse(buffer.FirstSpan);
        }

        var length = (int)buffer.Length;
        var gathered = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            buffer.CopyTo(gathered);
            return parse(gathered.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(gathered);
        }
    }

    private static BadHttpRequestException TooLarge(long maxSize) =>
        new($"request body exceeds the limit of {maxSize} bytes", StatusCodes.Status413PayloadTooLarge);
}
