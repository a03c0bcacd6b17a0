using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Ratus.Client.Tests;

/// Issue 10, item 3: the real server on the mongodb engine with nothing listening where MongoDB should be. What a .NET
/// caller gets is <see cref="RatusServiceUnavailableException"/> with the server's short message, from a request, a
/// poll and readiness alike (it once got a plain RatusException for a 500 with the driver's cluster description).
public sealed class UnavailableServerTests
{
    private WebApplicationFactory<Program> _server = null!;
    private IRatusClient _client = null!;
    private IAsyncDisposable _provider = null!;

    [OneTimeSetUp]
    public void Start()
    {
        _server = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Engine:Name", "mongodb");
            b.UseSetting("MongoDb:Uri", $"mongodb://127.0.0.1:{ClosedPort()}/?directConnection=true&serverSelectionTimeoutMS=500");
            b.UseSetting("Chore:Interval", "00:00:00");
        });
        (_client, var provider) = Clients.Create(() => _server.Server.CreateHandler());
        _provider = provider;
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _provider.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Test]
    public void Request_StorageUnreachable_RatusServiceUnavailableException()
    {
        var e = Assert.ThrowsAsync<RatusServiceUnavailableException>(() => _client.ListTopicsAsync());

        Assert.That(e!.StatusCode, Is.EqualTo(503));
        Assert.That(e.Message, Is.EqualTo("service unavailable: the storage engine cannot be reached"));
    }

    [Test]
    public void Write_StorageUnreachable_RatusServiceUnavailableException() =>
        Assert.ThrowsAsync<RatusServiceUnavailableException>(() => _client.InsertTaskAsync(new RatusTask { Id = "1", Topic = "t" }));

    [Test]
    public void Poll_StorageUnreachable_RatusServiceUnavailableException() =>
        Assert.ThrowsAsync<RatusServiceUnavailableException>(() => _client.PollAsync("t"));

    [Test]
    public void Readiness_StorageUnreachable_RatusServiceUnavailableException()
    {
        var e = Assert.ThrowsAsync<RatusServiceUnavailableException>(() => _client.GetReadinessAsync());

        Assert.That(e!.Message, Is.EqualTo("service unavailable"));
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
