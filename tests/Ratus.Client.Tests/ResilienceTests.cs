using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Ratus.Client.Tests;

/// Retries, unavailable server and invalid cases (docs/protocol.md §7.4, the last two adapted from the original's).
public sealed class ResilienceTests
{
    private RatusServer _server = null!;

    [OneTimeSetUp]
    public void Start() => _server = new RatusServer();

    [OneTimeTearDown]
    public async Task Stop() => await _server.DisposeAsync();

    private (IRatusClient, ServiceProvider, FaultyHandler) Faulty(int failFirst, bool transport = false, int maxRetries = 3)
    {
        var faulty = new FaultyHandler { FailFirst = failFirst, ThrowTransport = transport };
        var (client, provider) = Clients.Create(() => _server.Server.CreateHandler(), o => o.MaxRetryAttempts = maxRetries, faulty);
        return (client, provider, faulty);
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task IdempotentCallsRecoverAfterUpToMaxRetryAttemptsFailures(bool transport)
    {
        var (client, provider, faulty) = Faulty(failFirst: 3, transport);
        await using var _ = provider;
        using var __ = faulty;
        string id = $"retry-{transport}";
        Assert.That((await client.UpsertTaskAsync(new RatusTask { Id = id, Topic = "retry" })).Created, Is.EqualTo(1));
        Assert.That((await client.GetTaskAsync(id)).Id, Is.EqualTo(id));
        Assert.That((await client.DeleteTaskAsync(id)).Deleted, Is.EqualTo(1));
        Assert.That(new[] { faulty.Count(HttpMethod.Put), faulty.Count(HttpMethod.Get), faulty.Count(HttpMethod.Delete) }, Is.EqualTo(new[] { 4, 4, 4 }));
    }

    [Test]
    public async Task IdempotentCallsGiveUpAfterMaxRetryAttempts()
    {
        var (client, provider, faulty) = Faulty(failFirst: 10, maxRetries: 2);
        await using var _ = provider;
        using var __ = faulty;
        Assert.ThrowsAsync<RatusServiceUnavailableException>(() => client.GetReadinessAsync());
        Assert.That(faulty.Count(HttpMethod.Get), Is.EqualTo(3));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task PostAndPatchAreSentExactlyOnce(bool transport)
    {
        var (setup, setupProvider) = Clients.Create(() => _server.Server.CreateHandler());
        await using var ___ = setupProvider;
        string topic = $"once-{transport}";
        await setup.UpsertTaskAsync(new RatusTask { Id = topic + "-1", Topic = topic, Scheduled = DateTimeOffset.UtcNow.AddSeconds(-1) });
        var lease = (await setup.PollAsync(topic))!;

        var (client, provider, faulty) = Faulty(failFirst: int.MaxValue, transport);
        await using var _ = provider;
        using var __ = faulty;
        Type expected = transport ? typeof(HttpRequestException) : typeof(RatusServiceUnavailableException);
        Assert.That(() => client.PollAsync(topic), Throws.TypeOf(expected));
        Assert.That(() => client.InsertTaskAsync(new RatusTask { Id = topic + "-2", Topic = topic }), Throws.TypeOf(expected));
        Assert.That(() => client.PatchTaskAsync(lease.Task.Id, lease.Commit), Throws.TypeOf(expected));
        Assert.That(faulty.Count(HttpMethod.Post), Is.EqualTo(2), "one poll and one insert, neither retried");
        Assert.That(faulty.Count(HttpMethod.Patch), Is.EqualTo(1));
        // The failed commit never reached the server: the nonce is still good.
        Assert.That((await lease.CommitAsync()).State, Is.EqualTo(TaskState.Completed));
    }

    [Test]
    public async Task EveryMethodReportsAnUnavailableServer()
    {
        using var stub = Stub.Error(HttpStatusCode.ServiceUnavailable, "service unavailable");
        var (c, provider) = Clients.Create(() => stub, o => o.MaxRetryAttempts = 1);
        await using var _ = provider;
        var calls = new (string Name, Func<Task> Call)[]
        {
            ("ListTopics", () => c.ListTopicsAsync()), ("DeleteTopics", () => c.DeleteTopicsAsync()),
            ("GetTopic", () => c.GetTopicAsync("t")), ("DeleteTopic", () => c.DeleteTopicAsync("t")),
            ("ListTasks", () => c.ListTasksAsync("t")), ("InsertTasks", () => c.InsertTasksAsync([new RatusTask { Id = "i", Topic = "t" }])),
            ("UpsertTasks", () => c.UpsertTasksAsync([new RatusTask { Id = "i", Topic = "t" }])), ("DeleteTasks", () => c.DeleteTasksAsync("t")),
            ("GetTask", () => c.GetTaskAsync("i")), ("InsertTask", () => c.InsertTaskAsync(new RatusTask { Id = "i", Topic = "t" })),
            ("UpsertTask", () => c.UpsertTaskAsync(new RatusTask { Id = "i", Topic = "t" })), ("DeleteTask", () => c.DeleteTaskAsync("i")),
            ("PatchTask", () => c.PatchTaskAsync("i", new Commit())), ("ListPromises", () => c.ListPromisesAsync("t")),
            ("PostPromises", () => c.PostPromisesAsync("t", new Promise())), ("DeletePromises", () => c.DeletePromisesAsync("t")),
            ("GetPromise", () => c.GetPromiseAsync("i")), ("InsertPromise", () => c.InsertPromiseAsync(new Promise { Id = "i" })),
            ("UpsertPromise", () => c.UpsertPromiseAsync(new Promise { Id = "i" })), ("DeletePromise", () => c.DeletePromiseAsync("i")),
            ("GetLiveness", () => c.GetLivenessAsync()), ("GetReadiness", () => c.GetReadinessAsync()),
            ("Poll", () => c.PollAsync("t")),
        };
        foreach (var (name, call) in calls)
        {
            var e = Assert.ThrowsAsync<RatusServiceUnavailableException>(() => call(), name);
            Assert.That(e!.Message, Is.EqualTo("service unavailable"), name);
        }

        // 23 calls; the 17 GET/PUT/DELETE ones were retried once, the 6 POST/PATCH ones were not.
        Assert.That(stub.Calls, Is.EqualTo(calls.Length + 17));
    }

    [TestCase(HttpStatusCode.ServiceUnavailable, typeof(RatusServiceUnavailableException))]
    [TestCase(HttpStatusCode.BadGateway, typeof(RatusException))]
    [TestCase(HttpStatusCode.Conflict, typeof(RatusConflictException))]
    public async Task ANonJsonErrorBodyStillGivesARatusException(HttpStatusCode status, Type expected)
    {
        using var stub = new Stub(() => new HttpResponseMessage(status) { Content = new StringContent("<html>proxy error</html>") });
        var (client, provider) = Clients.Create(() => stub, o => o.MaxRetryAttempts = 0);
        await using var _ = provider;
        var e = Assert.ThrowsAsync(expected, () => client.GetTaskAsync("x")) as RatusException;
        Assert.That(e!.StatusCode, Is.EqualTo((int)status));
        Assert.That(e.Message, Does.Contain(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public async Task AnUnreadableSuccessBodyGivesARatusException()
    {
        using var stub = new Stub(() => Stub.Json(HttpStatusCode.OK, "not json"));
        var (client, provider) = Clients.Create(() => stub);
        await using var _ = provider;
        Assert.That(Assert.ThrowsAsync<RatusException>(() => client.GetTaskAsync("x"))!.StatusCode, Is.EqualTo(200));
    }

    [Test]
    public async Task CancellationStaysOperationCanceled()
    {
        var (client, provider) = Clients.Create(() => _server.Server.CreateHandler());
        await using var _ = provider;
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        Assert.That(() => client.GetTaskAsync("x", cts.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(() => client.PollAsync("x", cancellationToken: cts.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [TestCase(null)]
    [TestCase("relative/path")]
    [TestCase("ftp://example.com")]
    public void BadOptionsFailValidationWhenTheHostStarts(string? baseAddress)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddRatusClient(o => o.BaseAddress = baseAddress is null ? null : new Uri(baseAddress, UriKind.RelativeOrAbsolute));
        using var host = builder.Build();
        var e = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.That(e!.Message, Does.Contain("BaseAddress"));
    }

    [Test]
    public void OutOfRangeOptionsFailValidation()
    {
        var e = Assert.Throws<OptionsValidationException>(() => RatusClient.Create(new RatusClientOptions
        {
            BaseAddress = new Uri("http://127.0.0.1:1"),
            MaxRetryAttempts = -1,
            Timeout = TimeSpan.Zero,
        }));
        Assert.That(e!.Failures, Has.Exactly(2).Items);
    }

    [Test]
    public async Task OptionsBindFromConfiguration()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ratus:BaseAddress"] = "http://localhost",
            ["Ratus:Consumer"] = "configured",
            ["Ratus:MaxRetryAttempts"] = "1",
            ["Ratus:Timeout"] = "00:00:05",
            ["Ratus:Headers:X-Test"] = "yes",
        }).Build();
        var services = new ServiceCollection();
        string? header = null;
        using var probe = new Stub(() => Stub.Json(HttpStatusCode.OK, """{"_id":"x","topic":"t","state":1,"nonce":"n"}"""));
        services.AddRatusClient(config.GetSection("Ratus"))
            .ConfigurePrimaryHttpMessageHandler(() => probe)
            .AddHttpMessageHandler(() => new HeaderProbe(h => header = h));
        await using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<RatusClientOptions>>().Value;
        Assert.That(options is { Consumer: "configured", MaxRetryAttempts: 1 });
        Assert.That(options.Timeout, Is.EqualTo(TimeSpan.FromSeconds(5)));
        var lease = await provider.GetRequiredService<IRatusClient>().PollAsync("t");
        Assert.That(lease, Is.Not.Null);
        Assert.That(header, Is.EqualTo("yes"));
    }

    [Test]
    public async Task CreateWorksWithoutDependencyInjection()
    {
        // The standalone client has its own SocketsHttpHandler; against a closed port the error is a transport error.
        var client = RatusClient.Create(new RatusClientOptions { BaseAddress = new Uri("http://127.0.0.1:9"), MaxRetryAttempts = 1, RetryDelay = TimeSpan.FromMilliseconds(1) });
        Assert.ThrowsAsync<HttpRequestException>(() => client.GetLivenessAsync());
        await Task.CompletedTask;
    }

    private sealed class HeaderProbe(Action<string?> seen) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            seen(request.Headers.TryGetValues("X-Test", out var v) ? v.Single() : null);
            Assert.That(request.Headers.UserAgent.ToString(), Is.EqualTo("Ratus-Client"));
            return base.SendAsync(request, cancellationToken);
        }
    }
}
