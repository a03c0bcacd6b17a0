using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Ratus.Api.Tests.Support;
using static Ratus.Api.Tests.Support.Wire;

namespace Ratus.Api.Tests.Tracing;

// Spans of the "Ratus" source, collected by the in-memory exporter. Activity listeners are process-wide, so other
// servers' spans can show up too: every test looks only at its own topic.
[TestFixture]
public sealed class TracingTests
{
    private const string ProducerTraceId = "0af7651916cd43dd8448eb211c80319c";
    private const string ProducerSpanId = "b7ad6b7169203331";
    private const string ProducerTraceParent = $"00-{ProducerTraceId}-{ProducerSpanId}-01";
    private const string BodyTraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private readonly ConcurrentQueue<Activity> _exported = new();
    private RatusApiFactory _factory = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public void StartServer()
    {
        _factory = new RatusApiFactory(services: s => s.ConfigureOpenTelemetryTracerProvider(
            t => t.SetSampler(new AlwaysOnSampler()).AddProcessor(new EndedSpans(_exported))));
        _client = _factory.CreateRawClient();
    }

    [OneTimeTearDown]
    public async Task StopServer()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Test]
    public async Task PushPromiseCommit_ProducesThreeActivitiesWithTheirAttributes()
    {
        var topic = Unique("trace");
        var id = Unique("id");

        Assert.That((await _client.SendAsync("POST", $"/v1/topics/{topic}/tasks/{id}", """{"producer":"p1","payload":{"secret":1}}""")).StatusCode,
            Is.EqualTo(HttpStatusCode.Created));
        var claimed = await (await _client.SendAsync("POST", $"/v1/topics/{topic}/promises", """{"consumer":"c1"}""")).JsonAsync();
        var nonce = claimed.GetProperty("nonce").GetString();
        var committed = await _client.SendAsync("PATCH", $"/v1/topics/{topic}/tasks/{id}", $$"""{"nonce":"{{nonce}}"}""");
        Assert.That(committed.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var push = Single("ratus.push", topic);
        var promise = Single("ratus.promise", topic);
        var commit = Single("ratus.commit", topic);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(push.GetTagItem("ratus.task.id"), Is.EqualTo(id));
            Assert.That(push.GetTagItem("ratus.producer"), Is.Null, "the push span has no result task");
            Assert.That(push.Source.Name, Is.EqualTo("Ratus"));
            Assert.That(promise.GetTagItem("ratus.task.id"), Is.EqualTo(id));
            Assert.That(promise.GetTagItem("ratus.promise.kind"), Is.EqualTo("poll"));
            Assert.That(promise.GetTagItem("ratus.consumer"), Is.EqualTo("c1"));
            Assert.That(promise.GetTagItem("ratus.producer"), Is.EqualTo("p1"));
            Assert.That(promise.GetTagItem("ratus.task.state"), Is.EqualTo("pending->active"));
            Assert.That(commit.GetTagItem("ratus.task.id"), Is.EqualTo(id));
            Assert.That(commit.GetTagItem("ratus.consumer"), Is.EqualTo("c1"));
            Assert.That(commit.GetTagItem("ratus.task.state"), Is.EqualTo("active->completed"));

            // Without a traceparent header the task stores the server's push span, and the claim links to it.
            Assert.That(claimed.GetProperty("traceparent").GetString(), Is.EqualTo($"00-{push.TraceId}-{push.SpanId}-01"));
            Assert.That(promise.Links.Select(l => (l.Context.TraceId, l.Context.SpanId)), Is.EqualTo(new[] { (push.TraceId, push.SpanId) }));

            // The spans sit under ASP.NET Core's request spans, and nothing of the payload is in them.
            Assert.That(push.Parent?.OperationName, Is.EqualTo("Microsoft.AspNetCore.Hosting.HttpRequestIn"));
            Assert.That(push.TagObjects.Concat(promise.TagObjects).Concat(commit.TagObjects).Select(t => t.Value?.ToString()),
                Has.None.Contains("secret"));
        }
    }

    [Test]
    public async Task TraceParentHeader_IsStoredReturnedOnPromiseAndLinked()
    {
        var topic = Unique("trace");
        var id = Unique("id");

        var pushed = await PushWithHeaderAsync($"/v1/topics/{topic}/tasks/{id}", "{}", ProducerTraceParent);
        Assert.That(pushed.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var get = await (await _client.SendAsync("GET", $"/v1/topics/{topic}/tasks/{id}")).JsonAsync();
        var claimed = await (await _client.SendAsync("POST", $"/v1/topics/{topic}/promises/{id}")).JsonAsync();
        var listed = await (await _client.SendAsync("GET", $"/v1/topics/{topic}/tasks")).JsonAsync();

        var promise = Single("ratus.promise", topic);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(get.GetProperty("traceparent").GetString(), Is.EqualTo(ProducerTraceParent));
            Assert.That(claimed.GetProperty("traceparent").GetString(), Is.EqualTo(ProducerTraceParent));
            Assert.That(listed.GetProperty("data")[0].GetProperty("traceparent").GetString(), Is.EqualTo(ProducerTraceParent));
            Assert.That(promise.GetTagItem("ratus.promise.kind"), Is.EqualTo("claim"));
            Assert.That(promise.Links.Select(l => (l.Context.TraceId.ToHexString(), l.Context.SpanId.ToHexString())),
                Is.EqualTo(new[] { (ProducerTraceId, ProducerSpanId) }));
            Assert.That(Single("ratus.push", topic).TraceId.ToHexString(), Is.EqualTo(ProducerTraceId), "the push continues the producer's trace");
        }
    }

    [Test]
    public async Task BulkPush_StoresTheHeaderOnEveryTask_AndCountsThem()
    {
        var topic = Unique("trace");

        var pushed = await PushWithHeaderAsync($"/v1/topics/{topic}/tasks",
            $$"""{"data":[{"_id":"{{topic}}-a"},{"_id":"{{topic}}-b","traceparent":"{{BodyTraceParent}}"}]}""", ProducerTraceParent);
        Assert.That(pushed.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var listed = await (await _client.SendAsync("GET", $"/v1/topics/{topic}/tasks")).JsonAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(listed.GetProperty("data").EnumerateArray().Select(t => t.GetProperty("traceparent").GetString()),
                Is.EqualTo(new[] { ProducerTraceParent, BodyTraceParent }));
            Assert.That(Single("ratus.push.bulk", topic).GetTagItem("ratus.task.count"), Is.EqualTo(2));
        }
    }

    [Test]
    public async Task BodyTraceParent_WinsOverTheHeader()
    {
        var topic = Unique("trace");
        var id = Unique("id");

        await PushWithHeaderAsync($"/v1/topics/{topic}/tasks/{id}", $$"""{"traceparent":"{{BodyTraceParent}}"}""", ProducerTraceParent);
        var claimed = await (await _client.SendAsync("POST", $"/v1/topics/{topic}/promises")).JsonAsync();

        Assert.That(claimed.GetProperty("traceparent").GetString(), Is.EqualTo(BodyTraceParent));
        Assert.That(Single("ratus.promise", topic).Links.Single().Context.TraceId.ToHexString(), Is.EqualTo(BodyTraceParent[3..35]));
    }

    [TestCase("garbage")]
    [TestCase("00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01")]
    [TestCase("01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")]
    [TestCase("00-00000000000000000000000000000000-b7ad6b7169203331-01")]
    [TestCase("00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01")]
    [TestCase("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra")]
    public async Task InvalidBodyTraceParent_Is400WithTheEnvelope(string traceParent)
    {
        var topic = Unique("trace");

        var single = await _client.SendAsync("POST", $"/v1/topics/{topic}/tasks/{Unique("id")}", $$"""{"traceparent":"{{traceParent}}"}""");
        var message = await AssertErrorAsync(single, HttpStatusCode.BadRequest);
        var bulk = await _client.SendAsync("POST", $"/v1/topics/{topic}/tasks", $$"""{"data":[{"_id":"x","traceparent":"{{traceParent}}"}]}""");
        await AssertErrorAsync(bulk, HttpStatusCode.BadRequest);

        Assert.That(message, Does.Contain("invalid traceparent"));
        Assert.That((await _client.SendAsync("GET", $"/v1/topics/{topic}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "nothing was stored");
    }

    private async Task<HttpResponseMessage> PushWithHeaderAsync(string url, string body, string traceParent)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("traceparent", traceParent);
        return await _client.SendAsync(request);
    }

    private Activity Single(string name, string topic)
    {
        var matches = _exported.Where(a => a.OperationName == name && Equals(a.GetTagItem("ratus.topic"), topic)).ToList();
        Assert.That(matches, Has.Count.EqualTo(1), $"{name} spans of topic {topic}");
        return matches[0];
    }

    // Not the in-memory exporter's List: a request's ASP.NET Core span can end on a server thread after the client has
    // its response, while the test reads the spans.
    private sealed class EndedSpans(ConcurrentQueue<Activity> spans) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data) => spans.Enqueue(data);
    }
}
