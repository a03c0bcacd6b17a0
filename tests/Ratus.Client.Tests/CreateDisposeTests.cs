using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace Ratus.Client.Tests;

/// RatusClient.Create hands out a client that owns its private service provider, and disposing the client frees it.
public sealed class CreateDisposeTests
{
    private static readonly RatusClientOptions Options = new() { BaseAddress = new Uri("http://localhost"), MaxRetryAttempts = 0 };

    [TestCase(false)]
    [TestCase(true)]
    public async Task DisposingTheClientDisposesItsHttpHandlersAndLaterCallsThrow(bool async)
    {
        var server = new DisposalProbe();
        var client = RatusClient.Create(Options, null, http => http.ConfigurePrimaryHttpMessageHandler(() => server));
        await client.GetLivenessAsync();
        Assert.That(server.IsDisposed, Is.False);

        if (async)
        {
            await client.DisposeAsync();
        }
        else
        {
            client.Dispose();
        }

        Assert.That(server.IsDisposed, Is.True, "the primary handler, and the provider that owns it, are disposed");
        Assert.ThrowsAsync<ObjectDisposedException>(() => client.GetLivenessAsync());
        Assert.ThrowsAsync<ObjectDisposedException>(() => client.PollAsync("t"));
        await client.DisposeAsync(); // twice is harmless
    }

    [Test]
    public async Task DisposingTheClientEndsItsRunningSubscriptionWithObjectDisposedException()
    {
        var server = new DisposalProbe();
        var client = RatusClient.Create(Options, null, http => http.ConfigurePrimaryHttpMessageHandler(() => server));
        // Nothing is ever due; the subscription polls every millisecond until its client is gone.
        var subscription = client.SubscribeAsync("t", (_, _) => ValueTask.CompletedTask, new SubscribeOptions { DrainInterval = TimeSpan.FromMilliseconds(1) });
        await server.Polled.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await client.DisposeAsync();
        Assert.ThrowsAsync<ObjectDisposedException>(() => subscription.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Test]
    public async Task DisposingAClientFromDependencyInjectionChangesNothing()
    {
        // The container owns the HTTP client of the clients it creates.
        using var stub = Stub.Error(HttpStatusCode.NotFound, "nothing due");
        var (client, provider) = Clients.Create(() => stub);
        await using var _ = provider;
        await ((RatusClient)client).DisposeAsync();
        Assert.That(await client.PollAsync("t"), Is.Null);
        Assert.That(await provider.GetRequiredService<IRatusClient>().PollAsync("t"), Is.Null);
    }

    /// A server stand-in that answers 200 to health checks and 404 to polls, and records its own disposal.
    private sealed class DisposalProbe : HttpMessageHandler
    {
        public bool IsDisposed { get; private set; }

        public TaskCompletionSource Polled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            if (request.Method == HttpMethod.Post)
            {
                Polled.TrySetResult();
                return Task.FromResult(Stub.Json(HttpStatusCode.NotFound, """{"error":{"code":404,"message":"no task available"}}"""));
            }

            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }

        protected override void Dispose(bool disposing)
        {
            IsDisposed = true;
            base.Dispose(disposing);
        }
    }
}
