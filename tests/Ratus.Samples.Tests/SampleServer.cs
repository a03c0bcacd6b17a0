using System.Globalization;
using Ratus.Api.Tests.Hosting;
using Ratus.Client;

namespace Ratus.Samples.Tests;

/// One real `ratus` server process on 127.0.0.1 (memdb) for every test of this assembly. The samples use disjoint
/// topics and IDs (example/1, fresh/revisit, emails), so they can share it.
[SetUpFixture]
public sealed class SampleServer
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static ServerProcess? _server;
    private static RatusClient? _client;

    public static string Origin { get; private set; } = "";

    /// A client of the server, for the tests to look at what the samples did.
    public static IRatusClient Client => _client ?? throw new InvalidOperationException("the server has not started");

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var port = ServerProcess.FreePort();
        _server = ServerProcess.Start("--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1");
        var started = await _server.WaitForOutputAsync($"start listening on 127.0.0.1:{port}", StartTimeout);
        Assert.That(started, Is.True, $"the server did not start:{Environment.NewLine}{_server.Output}");
        Origin = $"http://127.0.0.1:{port}";
        _client = RatusClient.Create(new RatusClientOptions { BaseAddress = new Uri(Origin), MaxRetryAttempts = 0 });
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _client?.Dispose();
        _client = null;
        _server?.Dispose();
        _server = null;
    }
}
