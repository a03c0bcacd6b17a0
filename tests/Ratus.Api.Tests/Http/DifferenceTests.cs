using System.Net;
using Microsoft.AspNetCore.Http.Features;
using Ratus.Api.Tests.Support;
using static Ratus.Api.Tests.Support.Wire;

namespace Ratus.Api.Tests.Http;

// docs/protocol.md §0: where this server deliberately differs from the original, observed over HTTP.
[TestFixture(RatusApiFactory.MemDb)]
[TestFixture(RatusApiFactory.MongoDb)]
public sealed class DifferenceTests(string engine) : ApiTestBase(engine)
{
    [Test]
    public async Task D1_PollIsTopicIsolated()
    {
        var suffix = Guid.NewGuid().ToString("N");
        var id = Unique("id");
        await Client.SendAsync("POST", $"/v1/topics/beta-{suffix}/tasks/{id}", "{}");

        await AssertErrorAsync(await Client.SendAsync("POST", $"/v1/topics/alpha-{suffix}/promises"), HttpStatusCode.NotFound, "not found");
        await AssertErrorAsync(await Client.SendAsync("POST", $"/v1/topics/alpha-{suffix}/promises", """{"consumer":"c"}"""), HttpStatusCode.NotFound, "not found");
        var task = await (await Client.SendAsync("GET", $"/v1/topics//tasks/{id}")).JsonAsync();
        Assert.That(task.Int("state"), Is.Zero);
    }

    [TestCase("garbage", "bad request: ")]
    [TestCase("""{"state":"1"}""", "cannot unmarshal")]
    [TestCase("""{"nonce":1}""", "cannot unmarshal number")]
    [TestCase("""{"state":1.5}""", "cannot unmarshal number")]
    [TestCase("[1]", "cannot unmarshal")]
    public async Task D2_MalformedCommitBody_Is400AndLeavesTheTaskUnchanged(string body, string message)
    {
        var id = Unique("id");
        await Client.SendAsync("POST", $"/v1/topics/t/tasks/{id}", "{}");

        var response = await Client.SendAsync("PATCH", $"/v1/topics/t/tasks/{id}", body);

        Assert.That(await AssertErrorAsync(response, HttpStatusCode.BadRequest), Does.StartWith("bad request: ").And.Contain(message));
        var task = await (await Client.SendAsync("GET", $"/v1/topics//tasks/{id}")).JsonAsync();
        Assert.That(task.Int("state"), Is.Zero);
    }

    [TestCase("garbage")]
    [TestCase("""{"consumer":1}""")]
    [TestCase("""{"deadline":"tomorrow"}""")]
    public async Task D2_MalformedPromiseBody_Is400AndClaimsNothing(string body)
    {
        var topic = Unique("topic");
        var id = Unique("id");
        await Client.SendAsync("POST", $"/v1/topics/{topic}/tasks/{id}", "{}");

        await AssertErrorAsync(await Client.SendAsync("POST", $"/v1/topics/{topic}/promises", body), HttpStatusCode.BadRequest);
        await AssertErrorAsync(await Client.SendAsync("POST", $"/v1/topics/{topic}/promises/{id}", body), HttpStatusCode.BadRequest);
        await AssertExactAsync(await Client.SendAsync("GET", $"/v1/topics/{topic}/promises"), HttpStatusCode.OK, """{"data":[]}""");
    }

    [Test]
    public async Task D2_EmptyBodiesAreStillAllowed()
    {
        var topic = Unique("topic");
        var id = Unique("id");
        await Client.SendAsync("POST", $"/v1/topics/{topic}/tasks/{id}", "{}");

        var poll = await Client.SendAsync("POST", $"/v1/topics/{topic}/promises", "");
        var commit = await Client.SendAsync("PATCH", $"/v1/topics/{topic}/tasks/{id}", "");
        var task = await commit.JsonAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(poll.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(commit.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(task.Int("state"), Is.EqualTo(2));
            Assert.That(task.Str("nonce"), Is.Empty);
        }
    }

    [Test]
    public async Task D3_AnExpiredPromiseIsClaimableAgainAtItsDeadline()
    {
        await using var factory = RatusApiFactory.WithFakeTime(out var time, Engine);
        using var client = factory.CreateRawClient();
        var topic = Unique("topic");
        var id = Unique("id");
        await client.SendAsync("POST", $"/v1/topics/{topic}/tasks/{id}", "{}");

        var first = await (await client.SendAsync("POST", $"/v1/topics/{topic}/promises", """{"consumer":"w1","timeout":"5s"}""")).JsonAsync();
        Assert.That(first.Instant("deadline"), Is.EqualTo(time.GetUtcNow() + TimeSpan.FromSeconds(5)));
        await AssertErrorAsync(await client.SendAsync("POST", $"/v1/topics/{topic}/promises"), HttpStatusCode.NotFound, "not found");

        time.Advance(TimeSpan.FromSeconds(6));
        var again = await client.SendAsync("POST", $"/v1/topics/{topic}/promises", """{"consumer":"w2"}""");
        var second = await again.JsonAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(second.Str("_id"), Is.EqualTo(id));
            Assert.That(second.Str("consumer"), Is.EqualTo("w2"));
            Assert.That(second.Str("nonce"), Does.Match("^[A-Za-z0-9]{16}$").And.Not.EqualTo(first.Str("nonce")));
            Assert.That(second.Instant("consumed"), Is.EqualTo(time.GetUtcNow()));
        }

        await AssertErrorAsync(await client.SendAsync("PATCH", $"/v1/topics//tasks/{id}", $$"""{"nonce":"{{first.Str("nonce")}}"}"""),
            HttpStatusCode.Conflict, "conflict: the task may have been modified by others");
        var committed = await client.SendAsync("PATCH", $"/v1/topics//tasks/{id}", $$"""{"nonce":"{{second.Str("nonce")}}"}""");
        Assert.That(committed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task D4_PayloadComesBackByteForByte()
    {
        const string Payload = """{"b":1,"a":12345678901234567890,"s":"<&>","f":1.0,"u":"\u00e9","n":[null,true,-0.5e10]}""";
        var id = Unique("id");
        await Client.SendAsync("POST", $"/v1/topics/t/tasks/{id}", $$"""{"payload":{{Payload}}}""");

        var text = await (await Client.SendAsync("GET", $"/v1/topics//tasks/{id}")).Content.ReadAsStringAsync();
        var claimed = await (await Client.SendAsync("POST", $"/v1/topics//promises/{id}")).Content.ReadAsStringAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(text, Does.EndWith($$""","payload":{{Payload}}}"""));
            Assert.That(claimed, Does.EndWith($$""","payload":{{Payload}}}"""));
        }
    }

    [TestCase("example.com%2F0", "example.com/0")]
    [TestCase("a+b", "a+b")]
    [TestCase("c%2Bd", "c+d")]
    [TestCase("x%2Fy+z", "x/y+z")]
    [TestCase("sp%20ace", "sp ace")]
    public async Task D5_PathSegmentsArePercentDecodedExactlyOnce(string raw, string id)
    {
        var unique = Guid.NewGuid().ToString("N");
        var response = await Client.SendAsync("POST", $"/v1/topics/sp/tasks/{unique}{raw}", "{}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));

        var task = await (await Client.SendAsync("GET", $"/v1/topics//tasks/{unique}{raw}")).JsonAsync();
        Assert.That(task.Str("_id"), Is.EqualTo(unique + id));
    }

    // TestServer gives no raw request target (Kestrel does), and its decoded path has lost the difference between
    // %252F and %2F; so this request carries the raw target exactly as Kestrel would report it.
    [Test]
    public async Task D5_AnEncodedPercentIsDecodedOnlyOnce()
    {
        var id = Unique("p") + "%2Fq";
        await Client.SendAsync("POST", "/v1/topics/sp/tasks", $$"""{"data":[{"_id":"{{id}}"}]}""");

        var context = await Factory.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = "/v1/topics//tasks/" + id;
            c.Features.Get<IHttpRequestFeature>()!.RawTarget = "/v1/topics//tasks/" + id.Replace("%", "%25", StringComparison.Ordinal);
        });

        using var reader = new StreamReader(context.Response.Body);
        var body = await reader.ReadToEndAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(context.Response.StatusCode, Is.EqualTo(200), body);
            Assert.That(body, Does.StartWith($$"""{"_id":"{{id}}","topic":"sp","""));
        }
    }

    [Test]
    public async Task D5_EncodedSlashInATopicDoesNotSplitTheSegment()
    {
        var suffix = Guid.NewGuid().ToString("N");
        var id = Unique("id");
        await Client.SendAsync("POST", $"/v1/topics/sp%2Fslash-{suffix}/tasks/{id}", "{}");

        var task = await (await Client.SendAsync("GET", $"/v1/topics//tasks/{id}")).JsonAsync();
        Assert.That(task.Str("topic"), Is.EqualTo($"sp/slash-{suffix}"));
        await AssertExactAsync(await Client.SendAsync("GET", $"/v1/topics/sp%2Fslash-{suffix}"), HttpStatusCode.OK,
            $$"""{"name":"sp/slash-{{suffix}}","count":1}""");
    }

    [TestCase("2021-01-01T08:00:00+08:00", "2021-01-01T00:00:00Z")]
    [TestCase("2020-12-31T19:30:00-04:30", "2021-01-01T00:00:00Z")]
    [TestCase("2021-01-01T00:00:00.500000000Z", "2021-01-01T00:00:00.5Z")]
    [TestCase("2021-01-01T00:00:00.123456789Z", "2021-01-01T00:00:00.123456789Z")]
    [TestCase("2021-01-01T00:00:00.9617+00:00", "2021-01-01T00:00:00.9617Z")]
    [TestCase("2026-12-03T10:00:00.000000001Z", "2026-12-03T10:00:00.000000001Z")]
    [TestCase("2026-12-03T10:00:00.120000000Z", "2026-12-03T10:00:00.12Z")]
    [TestCase("2026-12-03T10:00:00.12345678+01:00", "2026-12-03T09:00:00.12345678Z")]
    public async Task D6_TimesAreWrittenInUtcWithTrimmedFractions(string sent, string written)
    {
        var id = Unique("id");
        var response = await Client.SendAsync("POST", $"/v1/topics/t/tasks/{id}", $$"""{"scheduled":"{{sent}}"}""");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));

        var task = await (await Client.SendAsync("GET", $"/v1/topics//tasks/{id}")).JsonAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(task.Str("scheduled"), Is.EqualTo(AsStored(written)));
            Assert.That(task.Instant("scheduled"),
                Is.EqualTo(DateTimeOffset.Parse(sent, System.Globalization.CultureInfo.InvariantCulture))
                    .Within(OnMongoDb ? TimeSpan.FromMilliseconds(1) : TimeSpan.FromTicks(1)));
        }
    }

    // The issue's example: all nine digits come back, so a Go client's time.Equal holds.
    [Test]
    public async Task D6_EveryTimeKeepsItsNanoseconds()
    {
        var id = Unique("id");
        await Client.SendAsync("POST", $"/v1/topics/t/tasks/{id}", """
            {"produced":"2026-12-03T10:00:00.000000001Z","scheduled":"2026-12-03T10:00:00.123456789Z",
             "consumed":"2026-12-03T10:00:00.987654321Z","deadline":"2099-01-01T00:00:00.000000099Z"}
            """);
        var pushed = await (await Client.SendAsync("GET", $"/v1/topics//tasks/{id}")).JsonAsync();
        var claimed = await (await Client.SendAsync("POST", $"/v1/topics//promises/{id}",
            """{"deadline":"2099-01-01T00:00:00.555555555Z"}""")).JsonAsync();
        var committed = await (await Client.SendAsync("PATCH", $"/v1/topics//tasks/{id}",
            $$"""{"nonce":"{{claimed.Str("nonce")}}","state":0,"scheduled":"2026-12-04T00:00:00.100000001Z"}""")).JsonAsync();
        var read = await (await Client.SendAsync("GET", $"/v1/topics//tasks/{id}")).JsonAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(pushed.Str("produced"), Is.EqualTo(AsStored("2026-12-03T10:00:00.000000001Z")));
            Assert.That(pushed.Str("scheduled"), Is.EqualTo(AsStored("2026-12-03T10:00:00.123456789Z")));
            Assert.That(pushed.Str("consumed"), Is.EqualTo(AsStored("2026-12-03T10:00:00.987654321Z")));
            Assert.That(pushed.Str("deadline"), Is.EqualTo(AsStored("2099-01-01T00:00:00.000000099Z")));
            Assert.That(claimed.Str("deadline"), Is.EqualTo(AsStored("2099-01-01T00:00:00.555555555Z")));
            Assert.That(committed.Str("scheduled"), Is.EqualTo(AsStored("2026-12-04T00:00:00.100000001Z")));
            Assert.That(read.Str("scheduled"), Is.EqualTo(AsStored("2026-12-04T00:00:00.100000001Z")));
            Assert.That(read.Str("deadline"), Is.EqualTo(AsStored("2099-01-01T00:00:00.555555555Z")));
        }
    }

    // memdb compares the nanoseconds too: a task scheduled one nanosecond after "now" is not due yet, although its ID
    // comes first. On MongoDB both are the same millisecond, so both are due and the ID decides (docs/protocol.md §3.1).
    [Test]
    public async Task D6_ATaskScheduledANanosecondAfterNowIsNotDueYet()
    {
        await using var factory = RatusApiFactory.WithFakeTime(out var time, Engine);
        using var client = factory.CreateRawClient();
        var topic = Unique("topic");
        var (early, late) = (Unique("b"), Unique("a"));
        var now = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        await client.SendAsync("POST", $"/v1/topics/{topic}/tasks",
            $$"""{"data":[{"_id":"{{late}}","scheduled":"{{now}}.000000001Z"},{"_id":"{{early}}","scheduled":"{{now}}Z"}]}""");

        async Task<string> PollAsync() => (await (await client.SendAsync("POST", $"/v1/topics/{topic}/promises")).JsonAsync()).Str("_id");

        if (OnMongoDb)
        {
            Assert.That(new[] { await PollAsync(), await PollAsync() }, Is.EqualTo(new[] { late, early }));
            return;
        }

        Assert.That(await PollAsync(), Is.EqualTo(early));
        await AssertErrorAsync(await client.SendAsync("POST", $"/v1/topics/{topic}/promises"), HttpStatusCode.NotFound, "not found");
        time.Advance(TimeSpan.FromTicks(1));
        Assert.That(await PollAsync(), Is.EqualTo(late));
    }

    // MongoDB stores BSON dates: millisecond precision, truncated (docs/protocol.md §1.2, D6).
    private string AsStored(string written)
    {
        var fraction = written.IndexOf('.', StringComparison.Ordinal);
        return !OnMongoDb || fraction < 0
            ? written
            : written[..Math.Min(fraction + 4, written.Length - 1)].TrimEnd('0').TrimEnd('.') + "Z";
    }

    [TestCase("2021-01-01", "bad request: parsing time \"2021-01-01\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"\" as \"T\"")]
    [TestCase("2021-01-01 00:00:00Z", "cannot parse")]
    [TestCase("2021-01-01T00:00:00", "cannot parse")]
    public async Task D6_NonRfc3339Times_Are400(string sent, string message)
    {
        var response = await Client.SendAsync("POST", $"/v1/topics/t/tasks/{Unique("id")}", $$"""{"scheduled":"{{sent}}"}""");

        Assert.That(await AssertErrorAsync(response, HttpStatusCode.BadRequest), Does.Contain(message));
    }
}
