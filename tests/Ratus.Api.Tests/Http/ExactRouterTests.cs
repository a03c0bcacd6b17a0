using System.Net;
using System.Net.Sockets;
using System.Text;
using Ratus.Api.Tests.Hosting;
using Ratus.Api.Tests.Support;

namespace Ratus.Api.Tests.Http;

// One router, on the raw request target, exact and case-sensitive like the original's (gin with UseRawPath): dot
// segments are never resolved into another route, and an escaped or differently cased literal is not the literal.
// Kestrel resolves "..", "." and the like in Request.Path, so these requests go over a real socket as written
// (HttpClient would normalise them before sending).
public sealed class ExactRouterTests
{
    private RatusApiFactory _factory = null!;
    private int _port;

    [OneTimeSetUp]
    public void StartServer()
    {
        _port = ServerProcess.FreePort();
        _factory = new RatusApiFactory(new Dictionary<string, string?>
        {
            ["Server:Port"] = _port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Server:Bind"] = "127.0.0.1",
        });
        _factory.UseKestrel();
        _factory.StartServer();
    }

    [OneTimeTearDown]
    public async Task StopServer() => await _factory.DisposeAsync();

    [Test]
    public async Task DotDotSegments_DoNotReachAnotherRoute()
    {
        var canary = Wire.Unique("canary");
        var id = Wire.Unique("t");
        Assert.That((await SendAsync("POST", $"/v1/topics/{canary}/tasks/{id}", "{}")).Status, Is.EqualTo(201));

        var deleted = await SendAsync("DELETE", $"/v1/topics/fz/tasks/../../{canary}");
        var listed = await SendAsync("GET", $"/v1/topics/{canary}/tasks/{id}/../../tasks");
        var dotted = await SendAsync("GET", $"/v1/topics/./{canary}");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(deleted.Status, Is.EqualTo(404), deleted.Body);
            Assert.That(listed.Status, Is.EqualTo(404), listed.Body);
            Assert.That(dotted.Status, Is.EqualTo(404), dotted.Body);
            Assert.That((await SendAsync("GET", $"/v1/topics//tasks/{id}")).Status, Is.EqualTo(200));
        }
    }

    // The absolute form, as a forward proxy sends it: Kestrel normalises its path too.
    [Test]
    public async Task AbsoluteForm_IsRoutedOnItsPathAsSent()
    {
        var canary = Wire.Unique("canary");
        var id = Wire.Unique("t");
        Assert.That((await SendAsync("POST", $"/v1/topics/{canary}/tasks/{id}", "{}")).Status, Is.EqualTo(201));

        var deleted = await SendAsync("DELETE", $"http://localhost/v1/topics/fz/tasks/../../{canary}");
        var task = await SendAsync("GET", $"http://localhost/v1/topics//tasks/{id}?x=1");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(deleted.Status, Is.EqualTo(404), deleted.Body);
            Assert.That(task.Status, Is.EqualTo(200), task.Body);
        }
    }

    [Test]
    public async Task DotDotAsAParameter_IsThatValue()
    {
        var topic = Wire.Unique("dots");
        Assert.That((await SendAsync("POST", "/v1/topics/../tasks/..", $$"""{"topic":"{{topic}}"}""")).Status, Is.EqualTo(201));

        var task = await SendAsync("GET", "/v1/topics//tasks/..");

        Assert.That(task.Status, Is.EqualTo(200));
        Assert.That(task.Body, Does.Contain("\"_id\":\"..\"").And.Contain(topic));
        Assert.That((await SendAsync("DELETE", "/v1/topics//tasks/%2E%2E")).Body, Is.EqualTo("""{"deleted":1}"""));
    }

    [TestCase("GET", "/V1/TOPICS")]
    [TestCase("GET", "/v1/Topics")]
    [TestCase("GET", "/TOPICS")]
    [TestCase("GET", "/v1/%74opics")]
    [TestCase("GET", "/%761/topics")]
    [TestCase("GET", "/v1/LIVEZ")]
    [TestCase("GET", "/V1/METRICS")]
    [TestCase("GET", "/OPENAPI.JSON")]
    [TestCase("DELETE", "/v1/TOPICS")]
    public async Task CaseOrEscapesInALiteral_IsNotFound(string method, string target)
    {
        var response = await SendAsync(method, target);

        Assert.That((response.Status, response.Body), Is.EqualTo((404, """{"error":{"code":404,"message":"not found"}}""")));
    }

    [Test]
    public async Task MethodIsCaseSensitive()
    {
        var response = await SendAsync("get", "/v1/topics");

        Assert.That(response.Status, Is.EqualTo(405));
    }

    [TestCase("/v1/topics")]
    [TestCase("/topics")]
    [TestCase("/openapi.json")]
    [TestCase("/swagger.json")]
    [TestCase("/v1/metrics")]
    public async Task ExactTargets_AreServed(string target) =>
        Assert.That((await SendAsync("GET", target)).Status, Is.EqualTo(200));

    // One request on its own connection, the target sent byte for byte.
    private async Task<(int Status, string Body)> SendAsync(string method, string target, string? body = null)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _port);
        var stream = tcp.GetStream();
        var content = Encoding.UTF8.GetBytes(body ?? "");
        var head = $"{method} {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: {content.Length}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(content);

        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync();
        var status = int.Parse(response.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
        var separator = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return (status, response[(separator + 4)..]);
    }
}
