using System.Text;

namespace Ratus.Infrastructure.Tests.Support;

public static class Payloads
{
    public static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);

    public static string? Text(byte[]? payload) => payload is null ? null : Encoding.UTF8.GetString(payload);
}
