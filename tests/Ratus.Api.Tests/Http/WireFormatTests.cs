using System.Net;
using Ratus.Api.Tests.Support;
using static Ratus.Api.Tests.Support.Wire;

namespace Ratus.Api.Tests.Http;

// docs/protocol.md §1–2.1: request leniency, body limit and response shapes.
public sealed class WireFormatTests : ApiTestBase
{
    [TestCase("application/x-www-form-urlencoded")]
    [TestCase("text/plain")]
    [TestCase("multipart/form-data; boundary=x")]
    public async Task RequestContentType_IsIgnored_BodiesAreJson(string contentType)
    {
        var id = Unique("id");
        var response = await Client.SendAsync("POST", $"/v1/topics/t/tasks/{id}", """{"payload":"form"}""", contentType);

        await AssertExactAsync(response, HttpStatusCode.Created, """{"created":1,"updated":0}""");
        var task = await (await Client.SendAsync("GET", $"/v1/topics//tasks/{id}")).JsonAsync();
        Assert.That(task.GetProperty("payload").GetString(), Is.EqualTo("form"));
    }

    [Test]
    public async Task BodyOverTheLimit_Is413WithTheEnvelope_AndStoresNothing()
    {
        await using var factory = new RatusApiFactory(new Dictionary<string, string?> { ["Server:MaxBodySize"] = "64" });
        using var client = factory.CreateRawClient();
        var id = Unique("id");
        var body = $$"""{"payload":"{{new string('x', 100)}}"}""";

        await AssertErrorAsync(await client.SendAsync("POST", $"/v1/topics/t/tasks/{id}", body), HttpStatusCode.RequestEntityTooLarge);
        await AssertErrorAsync(await client.SendAsync("POST", "/v1/topics/t/tasks", $$"""{"data":[{"_id":"{{id}}","payload":"{{new string('x', 100)}}"}]}"""),
            HttpStatusCode.RequestEntityTooLarge);
        await AssertErrorAsync(await client.SendAsync("GET", $"/v1/topics//tasks/{id}"), HttpStatusCode.NotFound, "not found");
        await AssertExactAsync(await client.SendAsync("POST", $"/v1/topics/t/tasks/{id}", "{}"), HttpStatusCode.Created, """{"created":1,"updated":0}""");
    }

    // The body is parsed where it arrived when it came in one piece, and gathered first when it came in several.
    [Test]
    public async Task BodyInManySmallChunks_IsReadWhole()
    {
        var ids = Enumerable.Range(0, 100).Select(_ => Unique("chunk")).ToArray();
        var payload = $$"""{"text":"{{new string('é', 100)}}","n":[1,2.50,3e2]}""";
        var body = $$"""{"data":[{{string.Join(",", ids.Select(id => $$"""{"_id":"{{id}}","payload":{{payload}}}"""))}}]}""";
        using var content = new StreamContent(new TrickleStream(System.Text.Encoding.UTF8.GetBytes(body), 7));
        content.Headers.ContentType = new("application/json");

        var response = await Client.PostAsync("/v1/topics/chunks/tasks", content);

        await AssertExactAsync(response, HttpStatusCode.Created, """{"created":100,"updated":0}""");
        var task = await (await Client.SendAsync("GET", $"/v1/topics//tasks/{ids[^1]}")).JsonAsync();
        Assert.That(task.GetProperty("payload").GetRawText(), Is.EqualTo(payload));
    }

    [Test]
    public async Task BodyOverTheLimit_WithoutAContentLength_Is413()
    {
        await using var factory = new RatusApiFactory(new Dictionary<string, string?> { ["Server:MaxBodySize"] = "64" });
        using var client = factory.CreateRawClient();
        var id = Unique("id");
        using var content = new StreamContent(new TrickleStream(System.Text.Encoding.UTF8.GetBytes($$"""{"payload":"{{new string('x', 100)}}"}"""), 7));

        await AssertErrorAsync(await client.PostAsync($"/v1/topics/t/tasks/{id}", content), HttpStatusCode.RequestEntityTooLarge);
        await AssertErrorAsync(await client.SendAsync("GET", $"/v1/topics//tasks/{id}"), HttpStatusCode.NotFound, "not found");
    }

    // A request body without a length, handed over a few bytes per read.
    private sealed class TrickleStream(byte[] bytes, int piece) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, piece), bytes.Length - _position);
            Array.Copy(bytes, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Test]
    public async Task NonceAndStateAreAlwaysPresent_DeferAndTimeoutNeverReturned()
    {
        var topic = Unique("topic");
        var id = Unique("id");
        await Client.SendAsync("POST", $"/v1/topics/{topic}/tasks", $$"""{"data":[{"_id":"{{id}}","defer":"-1s","timeout":"1s"}]}""");

        var task = await (await Client.SendAsync("GET", $"/v1/topics//tasks/{id}")).JsonAsync();
        var list = await (await Client.SendAsync("GET", $"/v1/topics/{topic}/tasks")).JsonAsync();
        var claimed = await (await Client.SendAsync("POST", $"/v1/topics/{topic}/promises?timeout=1m")).JsonAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(task.Names(), Is.EqualTo(new[] { "_id", "topic", "state", "nonce", "produced", "scheduled" }));
            Assert.That(task.Instant("produced") - task.Instant("scheduled"), Is.EqualTo(TimeSpan.FromSeconds(1)));
            Assert.That(list.GetProperty("data")[0].GetRawText(), Is.EqualTo(task.GetRawText()));
            Assert.That(claimed.Names(), Does.Not.Contain("timeout").And.Not.Contain("defer"));
        }
    }

    [Test]
    public async Task EmptyListsAreEmptyArrays()
    {
        var topic = Unique("empty");
        await AssertExactAsync(await Client.SendAsync("GET", $"/v1/topics/{topic}/tasks"), HttpStatusCode.OK, """{"data":[]}""");
        await AssertExactAsync(await Client.SendAsync("GET", $"/v1/topics/{topic}/promises"), HttpStatusCode.OK, """{"data":[]}""");
        await AssertExactAsync(await Client.SendAsync("GET", "/v1/topics?offset=10000"), HttpStatusCode.OK, """{"data":[]}""");
    }

    [Test]
    public async Task UnknownMembersAreIgnored_AndNamesMatchCaseInsensitively()
    {
        var id = Unique("id");
        var topic = Unique("topic");
        var response = await Client.SendAsync("POST", "/v1/topics//tasks",
            $$"""{"extra":{"x":[1,{"y":null}]},"DATA":[{"_ID":"{{id}}","Topic":"{{topic}}","State":3,"Producer":"p","unknown":true}]}""");

        await AssertExactAsync(response, HttpStatusCode.Created, """{"created":1,"updated":0}""");
        var task = await (await Client.SendAsync("GET", $"/v1/topics//tasks/{id}")).JsonAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(task.Str("topic"), Is.EqualTo(topic));
            Assert.That(task.Int("state"), Is.EqualTo(3));
            Assert.That(task.Str("producer"), Is.EqualTo("p"));
        }

        var commit = await (await Client.SendAsync("PATCH", $"/v1/topics//tasks/{id}", """{"STATE":0,"whatever":[]}""")).JsonAsync();
        Assert.That(commit.Int("state"), Is.Zero);
    }

    [Test]
    public async Task ClientSuppliedFieldsAreKept_OnInsert()
    {
        var id = Unique("id");
        await Client.SendAsync("POST", $"/v1/topics/t/tasks/{id}",
            """{"state":1,"nonce":"k","consumer":"c","produced":"2020-01-01T00:00:00Z","consumed":"2020-01-02T00:00:00Z","deadline":"2020-01-03T00:00:00Z"}""");

        var task = await (await Client.SendAsync("GET", $"/v1/topics//tasks/{id}")).JsonAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(task.Names(), Is.EqualTo(new[] { "_id", "topic", "state", "nonce", "consumer", "produced", "scheduled", "consumed", "deadline" }));
            Assert.That(task.Str("nonce"), Is.EqualTo("k"));
            Assert.That(task.Instant("produced"), Is.EqualTo(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero)));
            Assert.That(task.Instant("scheduled"), Is.GreaterThan(task.Instant("produced")), "scheduled defaults to now, not to produced");
        }

        await AssertErrorAsync(await Client.SendAsync("PATCH", $"/v1/topics//tasks/{id}", """{"nonce":"j"}"""), HttpStatusCode.Conflict);
        var committed = await Client.SendAsync("PATCH", $"/v1/topics//tasks/{id}", """{"nonce":"k"}""");
        Assert.That(committed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
