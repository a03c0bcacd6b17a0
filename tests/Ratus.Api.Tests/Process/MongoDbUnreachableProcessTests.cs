using System.Globalization;
using System.Net;
using System.Text.Json;
using NUnit.Framework.Interfaces;
using Ratus.Api.Tests.Hosting;
using Ratus.Infrastructure.Tests.Support;

namespace Ratus.Api.Tests.Process;

// Issue 10, item 3, as an operator meets it: `ratus --engine mongodb` with nothing listening where MongoDB should be.
// The server listens at once (it once waited for MongoDB first), /livez is 200 and /readyz 503, an API call answers 503
// with a short message at once (not a 500 with the driver's cluster description after the server-selection timeout),
// and the log says so in one line, not a stack trace per attempt; once MongoDB is up, one line says it is back.
[NonParallelizable]
public sealed class MongoDbUnreachableProcessTests
{
    private const string Unavailable = "service unavailable: the storage engine cannot be reached";

    private ServerProcess? _server;

    [TearDown]
    public void TearDown()
    {
        if (_server is not null && TestContext.CurrentContext.Result.Outcome.Status == TestStatus.Failed)
        {
            TestContext.Out.WriteLine(_server.Output);
        }

        _server?.Dispose();
    }

    [Test]
    public async Task MongoDbDown_ListensAtOnce_Answers503_LogsOneLineEachWay()
    {
        var mongoPort = CongoServer.ClosedPort();
        var port = ServerProcess.FreePort();

        // Server selection would wait ten minutes: neither listening nor answering may wait for it.
        _server = ServerProcess.Start(
            "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--chore-interval", "0",
            "--engine", "mongodb", "--mongodb-uri", $"mongodb://127.0.0.1:{mongoPort}/?serverSelectionTimeoutMS=600000");
        var listening = $"start listening on 127.0.0.1:{port}";
        Assert.That(await _server.WaitForOutputAsync(listening, TimeSpan.FromSeconds(30)), Is.True, "the server did not start listening");
        var beforeListening = _server.Output[.._server.Output.IndexOf(listening, StringComparison.Ordinal)];
        Assert.That(beforeListening, Does.Not.Contain("MongoDB").And.Not.Contain("warn:"), "start-up waited for MongoDB");

        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        Assert.That((await client.GetAsync("/v1/livez")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        for (var round = 0; round < 3; round++)
        {
            var ready = await client.GetAsync("/v1/readyz");
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(await ready.Content.ReadAsStringAsync(), Is.EqualTo("""{"error":{"code":503,"message":"service unavailable"}}"""));
            await AssertUnavailableAsync(await client.PostAsync("/v1/topics/t/tasks/1", new StringContent("{}")));
            await AssertUnavailableAsync(await client.GetAsync("/v1/topics"));
            await AssertUnavailableAsync(await client.PostAsync("/v1/topics/t/promises", new StringContent("{}")));
        }

        var output = _server.Output;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Lines(output, "MongoDB cannot be reached"), Has.Count.EqualTo(1));
            Assert.That(Lines(output, $"127.0.0.1:{mongoPort}: Connection refused"), Has.Count.EqualTo(1));
            // No stack frame: a line that starts with "at " after its indentation ("serving at most ..." is fine).
            Assert.That(output, Does.Not.Contain("Exception").And.Not.Match(@"(?m)^\s+at "));
            Assert.That(output, Does.Not.Contain("fail:").And.Not.Contain("crit:"));
        }

        using var congo = await CongoServer.StartAsync(mongoPort);
        await Eventually.AssertAsync(async () => (await client.GetAsync("/v1/readyz")).StatusCode == HttpStatusCode.OK, "readyz 200 after MongoDB came up");

        Assert.That((await client.PostAsync("/v1/topics/t/tasks/1", new StringContent("{}"))).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        output = _server.Output;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Lines(output, "MongoDB cannot be reached"), Has.Count.EqualTo(1));
            Assert.That(Lines(output, "MongoDB answers again"), Has.Count.EqualTo(1));
            Assert.That(output, Does.Not.Contain("Exception").And.Not.Contain("fail:"));
        }
    }

    private static async Task AssertUnavailableAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), text);
        using var envelope = JsonDocument.Parse(text);
        var message = envelope.RootElement.GetProperty("error").GetProperty("message").GetString();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(message, Is.EqualTo(Unavailable));
            Assert.That(text, Does.Not.Contain("Exception").And.Not.Contain("mongodb://").And.Not.Contain(" at "));
        }
    }

    private static List<string> Lines(string output, string text) =>
        [.. output.Split('\n').Where(line => line.Contains(text, StringComparison.Ordinal))];
}
