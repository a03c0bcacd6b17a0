using System.Net;
using System.Text;
using System.Text.Json;

namespace Ratus.Api.Tests.Support;

/// Requests and assertions on the wire format: bodies as text, JSON parsed with System.Text.Json, times as instants.
public static class Wire
{
    public const string JsonContentType = "application/json; charset=utf-8";

    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    public static async Task<HttpResponseMessage> SendAsync(this HttpClient client, string method, string url, string? body = null,
        string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        }

        return await client.SendAsync(request);
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// The status and the body, byte for byte (member order matters on the wire).
    public static async Task AssertExactAsync(HttpResponseMessage response, HttpStatusCode status, string body)
    {
        var text = await response.Content.ReadAsStringAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(status), text);
            Assert.That(text, Is.EqualTo(body));
            Assert.That(response.Content.Headers.ContentType?.ToString(), Is.EqualTo(JsonContentType));
        }
    }

    /// The error envelope {"error":{"code":N,"message":"…"}} with code equal to the status and nothing else in it.
    public static async Task<string> AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(status), text);
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        var error = root.GetProperty("error");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.Content.Headers.ContentType?.ToString(), Is.EqualTo(JsonContentType));
            Assert.That(root.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "error" }));
            Assert.That(error.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "code", "message" }));
            Assert.That(error.GetProperty("code").GetInt32(), Is.EqualTo((int)status));
        }

        return error.GetProperty("message").GetString()!;
    }

    public static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string message) =>
        Assert.That(await AssertErrorAsync(response, status), Is.EqualTo(message));

    public static async Task AssertErrorContainsAsync(HttpResponseMessage response, HttpStatusCode status, string phrase) =>
        Assert.That(await AssertErrorAsync(response, status), Does.Contain(phrase));

    public static DateTimeOffset Instant(this JsonElement element, string name) =>
        DateTimeOffset.Parse(element.GetProperty(name).GetString()!, System.Globalization.CultureInfo.InvariantCulture);

    public static string Str(this JsonElement element, string name) => element.GetProperty(name).GetString()!;

    public static int Int(this JsonElement element, string name) => element.GetProperty(name).GetInt32();

    public static string[] Names(this JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name)];

    public static string[] Ids(this JsonElement list) =>
        [.. list.GetProperty("data").EnumerateArray().Select(t => t.GetProperty("_id").GetString()!)];
}
