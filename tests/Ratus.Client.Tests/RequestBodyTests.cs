using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ratus.Client.Tests;

/// Request bodies go over the wire with a Content-Length, not chunked: checked by a real Kestrel server on 127.0.0.1
/// that records the headers of every request it receives.
public sealed class RequestBodyTests
{
    private WebApplication _wire = null!;
    private readonly ConcurrentQueue<Received> _received = new();
    private RatusClient _client = null!;

    private sealed record Received(string Method, string Path, long? ContentLength, string TransferEncoding, int BodyLength);

    [OneTimeSetUp]
    public async Task Start()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _wire = builder.Build();
        _wire.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var request = context.Request;
            _received.Enqueue(new Received(request.Method, request.Path.Value ?? "", request.ContentLength, request.Headers.TransferEncoding.ToString(), (int)body.Length));
            context.Response.ContentType = "application/json";
            // One body that reads as a task and as an update result, whatever the call expects.
            await context.Response.WriteAsync("""{"_id":"b-1","topic":"bodies","state":1,"nonce":"n","created":1,"updated":0}""");
        });
        await _wire.StartAsync();
        _client = RatusClient.Create(new RatusClientOptions { BaseAddress = new Uri(_wire.Urls.Single()), MaxRetryAttempts = 0 });
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _client.DisposeAsync();
        await _wire.DisposeAsync();
    }

    private static readonly RatusTask Task1 = new() { Id = "b-1", Topic = "bodies", Payload = RatusPayload.From(new { text = new string('x', 10_000) }) };

    public static IEnumerable<TestCaseData> Calls()
    {
        yield return Case("InsertTasks", "POST /v1/topics//tasks", c => c.InsertTasksAsync([Task1]));
        yield return Case("UpsertTasks", "PUT /v1/topics//tasks", c => c.UpsertTasksAsync([Task1]));
        yield return Case("InsertTask", "POST /v1/topics//tasks/b-1", c => c.InsertTaskAsync(Task1));
        yield return Case("UpsertTask", "PUT /v1/topics//tasks/b-1", c => c.UpsertTaskAsync(Task1));
        yield return Case("PatchTask", "PATCH /v1/topics//tasks/b-1", c => c.PatchTaskAsync("b-1", new Commit { Nonce = "n", State = TaskState.Completed }));
        yield return Case("PostPromises", "POST /v1/topics/bodies/promises", c => c.PostPromisesAsync("bodies", new Promise { Consumer = "c" }));
        yield return Case("InsertPromise", "POST /v1/topics//promises/b-1", c => c.InsertPromiseAsync(new Promise { Id = "b-1" }));
        yield return Case("UpsertPromise", "PUT /v1/topics//promises/b-1", c => c.UpsertPromiseAsync(new Promise { Id = "b-1" }));
        yield return Case("Poll", "POST /v1/topics/bodies/promises", c => c.PollAsync("bodies"));

        static TestCaseData Case(string name, string route, Func<IRatusClient, Task> call) => new TestCaseData(route, call).SetArgDisplayNames(name);
    }

    [TestCaseSource(nameof(Calls))]
    public async Task TheBodyIsSentWithAContentLength(string route, Func<IRatusClient, Task> call)
    {
        _received.Clear();
        await call(_client);
        var received = _received.Single();
        Assert.That($"{received.Method} {received.Path}", Is.EqualTo(route));
        Assert.That(received.TransferEncoding, Is.Empty, "no Transfer-Encoding: chunked");
        Assert.That(received.BodyLength, Is.Positive);
        Assert.That(received.ContentLength, Is.EqualTo(received.BodyLength));
    }
}
