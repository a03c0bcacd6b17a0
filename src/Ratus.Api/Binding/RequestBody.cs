using System.Buffers;

namespace Ratus.Api.Binding;

public static class RequestBody
{
    // Kestrel enforces the same limit; this check covers hosts that do not (in-process test servers).
    public static async Task<ReadOnlyMemory<byte>> ReadAsync(HttpRequest request, long maxSize)
    {
        if (request.ContentLength > maxSize)
        {
            throw TooLarge(maxSize);
        }

        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(request.ContentLength ?? 512, maxSize) + 1);
        while (true)
        {
            var read = await request.Body.ReadAsync(buffer.GetMemory(4096), request.HttpContext.RequestAborted);
            if (read == 0)
            {
                return buffer.WrittenMemory;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > maxSize)
            {
                throw TooLarge(maxSize);
            }
        }
    }

    public static bool IsBlank(ReadOnlySpan<byte> body) => body.Trim(" \t\r\n"u8).IsEmpty;

    private static BadHttpRequestException TooLarge(long maxSize) =>
        new($"request body exceeds the limit of {maxSize} bytes", StatusCodes.Status413PayloadTooLarge);
}
