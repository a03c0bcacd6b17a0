using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Ratus.Api.Tests.Support;
using Ratus.Infrastructure.Tests.Support;

namespace Ratus.Api.Tests.MongoDb;

// Issue 3: /readyz pings the primary, so it answers 503 while MongoDB is unreachable and 200 once it is back,
// and the server keeps running (and answering /livez) throughout.
[NonParallelizable]
public sealed class MongoDbReadinessTests
{
    [Test]
    public async Task Readyz_MongoDbDownThenUp_503ThenBackTo200WhileLivezStays200()
    {
        var port = FreePort();
        await using var factory = new RatusApiFactory(new Dictionary<string, string?>
        {
            ["Engine:Name"] = RatusApiFactory.MongoDb,
            ["MongoDb:Uri"] = $"mongodb://127.0.0.1:{port}/?directConnection=true&serverSelectionTimeoutMS=1000",
            ["MongoDb:Database"] = MongoEnv.NewDatabaseName(),
        });
        using var client = factory.CreateRawClient();

        Assert.That((await client.GetAsync("/v1/readyz")).StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That((await client.GetAsync("/v1/livez")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        // Bring a server up on that port: the CongoDB test server, when there is one.
        var script = Environment.GetEnvironmentVariable(MongoEnv.CongoVariable);
        if (string.IsNullOrEmpty(script) || !File.Exists(script))
        {
            Assert.Ignore($"The recovery half needs the CongoDB test server ({MongoEnv.CongoVariable}) to start on a chosen port");
        }

        using var server = System.Diagnostics.Process.Start(new ProcessStartInfo("node", [script!, port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        try
        {
            Assert.That(await server.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)), Does.StartWith("LISTENING"));
            var stopwatch = Stopwatch.StartNew();
            var status = HttpStatusCode.ServiceUnavailable;
            while (status != HttpStatusCode.OK && stopwatch.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(200);
                status = (await client.GetAsync("/v1/readyz")).StatusCode;
            }

            Assert.That(status, Is.EqualTo(HttpStatusCode.OK), $"readyz still {status} after {stopwatch.Elapsed}");
            TestContext.Out.WriteLine($"readyz back to 200 {stopwatch.ElapsedMilliseconds} ms after MongoDB came up");

            // The indexes were created on the first successful readiness check, and the engine serves requests.
            var created = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/topics/t/tasks/1") { Content = new StringContent("{}") });
            Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
