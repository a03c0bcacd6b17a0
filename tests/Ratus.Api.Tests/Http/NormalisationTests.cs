using System.Net;
using Ratus.Api.Tests.Support;
using static Ratus.Api.Tests.Support.Wire;

namespace Ratus.Api.Tests.Http;

// docs/protocol.md §7.2 and §2.3: task, bulk, promise and commit bodies as the server normalises them.
[TestFixture(RatusApiFactory.MemDb)]
[TestFixture(RatusApiFactory.MongoDb)]
public sealed class NormalisationTests(string engine) : ApiTestBase(engine)
{
    private async Task<System.Text.Json.JsonElement> GetTaskAsync(string id) =>
        await (await Client.SendAsync("GET", $"/v1/topics//tasks/{Uri.EscapeDataString(id)}")).JsonAsync();

    [TestCase("{}")]
    [TestCase("null")]
    [TestCase("""{"_id":"","topic":"","state":0,"nonce":""}""")]
    public async Task Task_EmptyBody_TakesIdAndTopicFromThePath(string body)
    {
        var topic = Unique("topic");
        var id = Unique("id");
        await AssertExactAsync(await Client.SendAsync("POST", $"/topics/{topic}/tasks/{id}", body), HttpStatusCode.Created, """{"created":1,"updated":0}""");

        var task = await GetTaskAsync(id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(task.Names(), Is.EqualTo(new[] { "_id", "topic", "state", "nonce", "produced", "scheduled" }));
            Assert.That(task.Str("_id"), Is.EqualTo(id));
            Assert.That(task.Str("topic"), Is.EqualTo(topic));
            Assert.That(task.Int("state"), Is.Zero);
            Assert.That(task.Instant("produced"), Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromMinutes(1)));
            Assert.That(task.Instant("scheduled"), Is.EqualTo(task.Instant("produced")));
        }
    }

    [TestCase("""{"_id":1}""", "cannot unmarshal number")]
    [TestCase("""{"_id":"other"}""", "bad request: task ID is inconsistent with the path parameter")]
    [TestCase("""{"state":9}""", "bad request: invalid state 9")]
    [TestCase("""{"state":-1}""", "bad request: invalid state -1")]
    [TestCase("""{"defer":"foo"}""", "bad request: time: invalid duration \"foo\"")]
    [TestCase("""{"defer":"1d"}""", "bad request: time: unknown unit \"d\" in duration \"1d\"")]
    [TestCase("garbage", "bad request: ")]
    [TestCase("{} {}", "bad request: ")]
    [TestCase("[]", "cannot unmarshal")]
    public async Task Task_InvalidBody_Is400AndStoresNothing(string body, string message)
    {
        var id = Unique("id");
        var response = await Client.SendAsync("POST", $"/v1/topics/test/tasks/{id}", body);

        Assert.That(await AssertErrorAsync(response, HttpStatusCode.BadRequest), Does.StartWith("bad request: ").And.Contain(message));
        await AssertErrorAsync(await Client.SendAsync("GET", $"/v1/topics//tasks/{id}"), HttpStatusCode.NotFound, "not found");
    }

    [TestCase("POST")]
    [TestCase("PUT")]
    public async Task Task_MissingBody_Is400(string method)
    {
        await AssertErrorAsync(await Client.SendAsync(method, $"/v1/topics/test/tasks/{Unique("id")}"), HttpStatusCode.BadRequest,
            "bad request: missing request body");
        await AssertErrorAsync(await Client.SendAsync(method, "/v1/topics/test/tasks/x", " \n"), HttpStatusCode.BadRequest,
            "bad request: missing request body");
        await AssertErrorAsync(await Client.SendAsync(method, "/v1/topics/test/tasks"), HttpStatusCode.BadRequest,
            "bad request: missing request body");
    }

    [Test]
    public async Task Task_EmptyTopicEverywhere_Is400() =>
        await AssertErrorAsync(await Client.SendAsync("POST", $"/v1/topics//tasks/{Unique("id")}", "{}"), HttpStatusCode.BadRequest,
            "bad request: topic must not be empty");

    [Test]
    public async Task Task_BodyTopicWinsOverThePath_AndBodyIdMayRepeatThePath()
    {
        var id = Unique("id");
        var topic = Unique("body");
        await AssertExactAsync(await Client.SendAsync("POST", $"/v1/topics/path/tasks/{id}", $$"""{"_id":"{{id}}","topic":"{{topic}}"}"""),
            HttpStatusCode.Created, """{"created":1,"updated":0}""");

        Assert.That((await GetTaskAsync(id)).Str("topic"), Is.EqualTo(topic));
    }

    [Test]
    public async Task Task_Defer_SchedulesRelativeToProduced_AndIsNeverReturned()
    {
        var id = Unique("id");
        await AssertExactAsync(await Client.SendAsync("POST", $"/v1/topics/t/tasks/{id}", """{"defer":"10m"}"""),
            HttpStatusCode.Created, """{"created":1,"updated":0}""");

        var task = await GetTaskAsync(id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(task.Instant("scheduled") - task.Instant("produced"), Is.EqualTo(TimeSpan.FromMinutes(10)));
            Assert.That(task.TryGetProperty("defer", out _), Is.False);
        }
    }

    [Test]
    public async Task Task_DeferIsIgnoredWhenScheduledIsGiven()
    {
        var id = Unique("id");
        await Client.SendAsync("POST", $"/v1/topics/t/tasks/{id}", """{"defer":"foo","scheduled":"2030-01-01T00:00:00Z"}""");

        Assert.That((await GetTaskAsync(id)).Instant("scheduled"), Is.EqualTo(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    [Test]
    public async Task Bulk_ElementsTakeThePathTopic()
    {
        var topic = Unique("topic");
        var id = Unique("id");
        await AssertExactAsync(await Client.SendAsync("POST", $"/v1/topics/{topic}/tasks", $$"""{"data":[{"_id":"{{id}}"}]}"""),
            HttpStatusCode.Created, """{"created":1,"updated":0}""");

        var task = await GetTaskAsync(id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(task.Str("topic"), Is.EqualTo(topic));
            Assert.That(task.Int("state"), Is.Zero);
        }
    }

    [TestCase("""{"data":1}""", "cannot unmarshal number")]
    [TestCase("""{"data":[{"producer":"foo"}]}""", "bad request: task ID must not be empty")]
    [TestCase("""{"data":[{"_id":"x"}]}""", "bad request: topic must not be empty")]
    [TestCase("""{"data":[{"_id":"x","topic":"t","state":4}]}""", "bad request: invalid state 4")]
    [TestCase("[]", "cannot unmarshal")]
    public async Task Bulk_InvalidBody_Is400(string body, string message)
    {
        foreach (var method in new[] { "POST", "PUT" })
        {
            var response = await Client.SendAsync(method, "/v1/topics//tasks", body);
            Assert.That(await AssertErrorAsync(response, HttpStatusCode.BadRequest), Does.StartWith("bad request: ").And.Contain(message), method);
        }
    }

    [TestCase("{}")]
    [TestCase("""{"data":[]}""")]
    [TestCase("""{"data":null}""")]
    [TestCase("null")]
    public async Task Bulk_NothingToInsert_Is200WithZeroCounts(string body)
    {
        await AssertExactAsync(await Client.SendAsync("POST", "/v1/topics/t/tasks", body), HttpStatusCode.OK, """{"created":0,"updated":0}""");
        await AssertExactAsync(await Client.SendAsync("PUT", "/v1/topics/t/tasks", body), HttpStatusCode.OK, """{"created":0,"updated":0}""");
    }

    [Test]
    public async Task Bulk_OneInvalidElementFailsTheWholeRequest()
    {
        var topic = Unique("topic");
        var ok = Unique("ok");
        var response = await Client.SendAsync("POST", $"/v1/topics/{topic}/tasks", $$"""{"data":[{"_id":"{{ok}}"},{"_id":"bad","defer":"foo"}]}""");

        await AssertErrorContainsAsync(response, HttpStatusCode.BadRequest, "invalid duration");
        await AssertExactAsync(await Client.SendAsync("GET", $"/v1/topics/{topic}/tasks"), HttpStatusCode.OK, """{"data":[]}""");
    }

    [Test]
    public async Task Promise_QueryConsumerAndPathId_AreApplied()
    {
        var id = Unique("id");
        await Client.SendAsync("POST", $"/v1/topics/test/tasks/{id}", "{}");

        var response = await Client.SendAsync("POST", $"/v1/topics/test/promises/{id}?consumer=foo", "{}");
        var task = await response.JsonAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(task.Str("_id"), Is.EqualTo(id));
            Assert.That(task.Str("consumer"), Is.EqualTo("foo"));
            Assert.That(task.Instant("deadline") - task.Instant("consumed"), Is.EqualTo(TimeSpan.FromMinutes(10)).Within(TimeSpan.FromSeconds(5)));
            Assert.That(task.TryGetProperty("timeout", out _), Is.False);
        }
    }

    [TestCase("""{"_id":"2"}""", "", "bad request: promise ID is inconsistent with the path parameter")]
    [TestCase("{}", "?_id=2", "bad request: promise ID is inconsistent with the path parameter")]
    [TestCase("""{"timeout":"foo"}""", "", "bad request: time: invalid duration \"foo\"")]
    [TestCase("{}", "?timeout=10", "bad request: time: missing unit in duration \"10\"")]
    public async Task Promise_InvalidInput_Is400AndClaimsNothing(string body, string query, string message)
    {
        var id = Unique("id");
        await Client.SendAsync("POST", $"/v1/topics/test/tasks/{id}", "{}");

        await AssertErrorAsync(await Client.SendAsync("POST", $"/v1/topics/test/promises/{id}{query}", body), HttpStatusCode.BadRequest, message);
        Assert.That((await GetTaskAsync(id)).Int("state"), Is.Zero);
    }

    [Test]
    public async Task Promise_QueryOverridesBody_AndAnUnparsableQueryDeadlineIsIgnored()
    {
        var topic = Unique("topic");
        var id = Unique("id");
        await Client.SendAsync("POST", $"/v1/topics/{topic}/tasks/{id}", "{}");

        var response = await Client.SendAsync("POST", $"/v1/topics/{topic}/promises?consumer=query&deadline=2030-01-01",
            """{"consumer":"body","timeout":"1h"}""");
        var task = await response.JsonAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(task.Str("consumer"), Is.EqualTo("query"));
            Assert.That(task.Instant("deadline") - task.Instant("consumed"), Is.EqualTo(TimeSpan.FromHours(1)).Within(TimeSpan.FromSeconds(5)));
        }

        var other = Unique("id");
        await Client.SendAsync("POST", $"/v1/topics/{topic}/tasks/{other}", "{}");
        var defaulted = await (await Client.SendAsync("POST", $"/v1/topics/{topic}/promises?deadline=2030-01-01")).JsonAsync();
        Assert.That(defaulted.Instant("deadline") - defaulted.Instant("consumed"), Is.EqualTo(TimeSpan.FromMinutes(10)).Within(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public async Task Promise_AbsoluteDeadlineWinsOverTimeout()
    {
        var id = Unique("id");
        await Client.SendAsync("POST", $"/v1/topics/t/tasks/{id}", "{}");

        var task = await (await Client.SendAsync("PUT", $"/v1/topics/t/promises/{id}", """{"timeout":"1s","deadline":"2999-01-01T00:00:00Z"}""")).JsonAsync();

        Assert.That(task.Instant("deadline"), Is.EqualTo(new DateTimeOffset(2999, 1, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    [Test]
    public async Task Commit_Defer_CompletesByDefaultAndReschedules()
    {
        var id = Unique("id");
        await Client.SendAsync("POST", $"/v1/topics/test/tasks/{id}", "{}");

        var response = await Client.SendAsync("PATCH", $"/v1/topics/test/tasks/{id}", """{"defer":"10m"}""");
        var task = await response.JsonAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(task.Int("state"), Is.EqualTo(2));
            Assert.That(task.Instant("scheduled") - task.Instant("produced"), Is.EqualTo(TimeSpan.FromMinutes(10)).Within(TimeSpan.FromSeconds(5)));
            Assert.That(task.TryGetProperty("defer", out _), Is.False);
        }
    }

    [TestCase("""{"state":9}""", "bad request: invalid target state 9")]
    [TestCase("""{"defer":"foo"}""", "bad request: time: invalid duration \"foo\"")]
    public async Task Commit_InvalidInput_Is400AndChangesNothing(string body, string message)
    {
        var id = Unique("id");
        await Client.SendAsync("POST", $"/v1/topics/test/tasks/{id}", "{}");

        await AssertErrorAsync(await Client.SendAsync("PATCH", $"/v1/topics/test/tasks/{id}", body), HttpStatusCode.BadRequest, message);
        Assert.That((await GetTaskAsync(id)).Int("state"), Is.Zero);
    }

    [Test]
    public async Task Commit_RetryPattern_GoesBackToPendingWithNewSchedule()
    {
        var id = Unique("id");
        await Client.SendAsync("POST", $"/v1/topics/test/tasks/{id}", "{}");
        var claimed = await (await Client.SendAsync("POST", $"/v1/topics/test/promises/{id}")).JsonAsync();

        var task = await (await Client.SendAsync("PATCH", $"/v1/topics//tasks/{id}",
            $$$"""{"nonce":"{{{claimed.Str("nonce")}}}","state":0,"defer":"30s","topic":"revisit","payload":{"x":1}}""")).JsonAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(task.Int("state"), Is.Zero);
            Assert.That(task.Str("nonce"), Is.Empty);
            Assert.That(task.Str("topic"), Is.EqualTo("revisit"));
            Assert.That(task.Instant("consumed"), Is.EqualTo(claimed.Instant("consumed")));
            Assert.That(task.Instant("scheduled") - claimed.Instant("consumed"), Is.EqualTo(TimeSpan.FromSeconds(30)).Within(TimeSpan.FromSeconds(5)));
            Assert.That(task.GetProperty("payload").GetRawText(), Is.EqualTo("""{"x":1}"""));
        }
    }
}
