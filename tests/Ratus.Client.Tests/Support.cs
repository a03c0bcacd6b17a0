using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Ratus.Client.Tests;

/// The real server in-process on memdb, with the background chore off.
public sealed class RatusServer : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Engine:Name", "memdb");
        builder.UseSetting("Chore:Interval", "00:00:00");
    }
}

/// Records every request that passes and can fail the first N of them (per method) with a status or a transport error.
public sealed class FaultyHandler : DelegatingHandler
{
    private readonly ConcurrentDictionary<string, int> _counts = new();

    public ConcurrentQueue<string> Requests { get; } = new();

    public int FailFirst { get; set; }

    public HttpStatusCode FailWith { get; set; } = HttpStatusCode.ServiceUnavailable;

    public bool ThrowTransport { get; set; }

    public int Count(HttpMethod method) => Requests.Count(r => r.StartsWith(method.Method + " ", StringComparison.Ordinal));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Enqueue($"{request.Method} {request.RequestUri!.AbsolutePath}");
        int n = _counts.AddOrUpdate(request.Method.Method, 1, (_, c) => c + 1);
        if (n <= FailFirst)
        {
            if (ThrowTransport)
            {
                throw new HttpRequestException("connection refused (stub)");
            }

            return Stub.Json(FailWith, $$$"""{"error":{"code":{{{(int)FailWith}}},"message":"stub failure"}}""");
        }

        return await base.SendAsync(request, cancellationToken);
    }
}

/// A server stand-in that answers every request with the same response.
public sealed class Stub(Func<HttpResponseMessage> respond) : HttpMessageHandler
{
    public int Calls;

    public static HttpResponseMessage Json(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    public static Stub Error(HttpStatusCode status, string message) =>
        new(() => Json(status, $$$"""{"error":{"code":{{{(int)status}}},"message":"{{{message}}}"}}"""));

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Calls);
        return Task.FromResult(respond());
    }
}

public static class Clients
{
    /// A DI-built client over the given primary handler, with fast retries.
    public static (IRatusClient Client, ServiceProvider Provider) Create(
        Func<HttpMessageHandler> primary,
        Action<RatusClientOptions>? configure = null,
        DelegatingHandler? inner = null,
        TimeProvider? time = null)
    {
        var services = new ServiceCollection();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        var builder = services.AddRatusClient(o =>
        {
            o.BaseAddress = new Uri("http://localhost");
            o.RetryDelay = TimeSpan.FromMilliseconds(1);
            configure?.Invoke(o);
        }).ConfigurePrimaryHttpMessageHandler(primary);
        if (inner is not null)
        {
            builder.AddHttpMessageHandler(() => inner);
        }

        var provider = services.BuildServiceProvider();
        return (provider.GetRequiredService<IRatusClient>(), provider);
    }
}
