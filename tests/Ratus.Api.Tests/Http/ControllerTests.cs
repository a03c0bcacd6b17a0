using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Ratus.Infrastructure.Tests.Fakes;
using Ratus.Api.Tests.Support;
using Ratus.Application.Abstractions;
using Ratus.Domain.Errors;
using static Ratus.Api.Tests.Support.Wire;

namespace Ratus.Api.Tests.Http;

// docs/protocol.md §7.3 (the original's controller tests), against the real memdb engine instead of the original's stub.
[TestFixture(RatusApiFactory.MemDb)]
[TestFixture(RatusApiFactory.MongoDb)]
public sealed class ControllerTests(string engine) : ApiTestBase(engine)
{
    [Test]
    public async Task Topic_GetCountsTasksInAnyState_DeleteCountsTasksAndNeverAnswers404()
    {
        var topic = Unique("topic");
        var a = Unique("a");
        await AssertExactAsync(await Client.SendAsync("POST", $"/v1/topics/{topic}/tasks",
            $$"""{"data":[{"_id":"{{a}}"},{"_id":"{{Unique("b")}}","state":3}]}"""), HttpStatusCode.Created, """{"created":2,"updated":0}""");
        await Client.SendAsync("POST", $"/v1/topics/{topic}/promises");

        await AssertExactAsync(await Client.SendAsync("GET", $"/v1/topics/{topic}"), HttpStatusCode.OK, $$"""{"name":"{{topic}}","count":2}""");
        await AssertExactAsync(await Client.SendAsync("DELETE", $"/v1/topics/{topic}"), HttpStatusCode.OK, """{"deleted":2}""");
        await AssertExactAsync(await Client.SendAsync("DELETE", $"/v1/topics/{topic}"), HttpStatusCode.OK, """{"deleted":0}""");
        await AssertErrorAsync(await Client.SendAsync("GET", $"/v1/topics/{topic}"), HttpStatusCode.NotFound, "not found");
        await AssertErrorAsync(await Client.SendAsync("GET", $"/v1/topics//tasks/{a}"), HttpStatusCode.NotFound, "not found");
    }

    [Test]
    public async Task TopicList_IsOrderedByName_PagesOverNames_AndDeleteAllEmptiesIt()
    {
        await using var factory = NewFactory();
        using var client = factory.CreateRawClient();
        foreach (var topic in new[] { "c", "a", "b", "a" })
        {
            await client.SendAsync("POST", $"/v1/topics/{topic}/tasks", $$"""{"data":[{"_id":"{{Unique(topic)}}"}]}""");
        }

        await AssertExactAsync(await client.SendAsync("GET", "/v1/topics"), HttpStatusCode.OK,
            """{"data":[{"name":"a"},{"name":"b"},{"name":"c"}]}""");
        await AssertExactAsync(await client.SendAsync("GET", "/v1/topics?limit=1&offset=1"), HttpStatusCode.OK, """{"data":[{"name":"b"}]}""");
        await AssertExactAsync(await client.SendAsync("DELETE", "/v1/topics"), HttpStatusCode.OK, """{"deleted":4}""");
        await AssertExactAsync(await client.SendAsync("GET", "/v1/topics"), HttpStatusCode.OK, """{"data":[]}""");
        await AssertExactAsync(await client.SendAsync("DELETE", "/v1/topics"), HttpStatusCode.OK, """{"deleted":0}""");
    }

    [Test]
    public async Task BulkInsert_SkipsExistingIds_And201OnlyWhenSomethingWasCreated()
    {
        var topic = Unique("topic");
        var (a, b, c) = (Unique("a"), Unique("b"), Unique("c"));
        await AssertExactAsync(await Client.SendAsync("POST", $"/v1/topics/{topic}/tasks", $$"""{"data":[{"_id":"{{a}}"},{"_id":"{{a}}"}]}"""),
            HttpStatusCode.Created, """{"created":1,"updated":0}""");
        await AssertExactAsync(await Client.SendAsync("POST", $"/v1/topics/{topic}/tasks", $$"""{"data":[{"_id":"{{a}}"},{"_id":"{{b}}"}]}"""),
            HttpStatusCode.Created, """{"created":1,"updated":0}""");
        await AssertExactAsync(await Client.SendAsync("POST", $"/v1/topics/{topic}/tasks", $$"""{"data":[{"_id":"{{a}}"},{"_id":"{{b}}"}]}"""),
            HttpStatusCode.OK, """{"created":0,"updated":0}""");
        await AssertExactAsync(await Client.SendAsync("PUT", $"/v1/topics/{topic}/tasks", $$"""{"data":[{"_id":"{{a}}"},{"_id":"{{b}}"}]}"""),
            HttpStatusCode.OK, """{"created":0,"updated":2}""");
        await AssertExactAsync(await Client.SendAsync("PUT", $"/v1/topics/{topic}/tasks", $$"""{"data":[{"_id":"{{a}}"},{"_id":"{{c}}"},{"_id":"{{c}}"}]}"""),
            HttpStatusCode.Created, """{"created":1,"updated":2}""");
        await AssertExactAsync(await Client.SendAsync("DELETE", $"/v1/topics/{topic}/tasks"), HttpStatusCode.OK, """{"deleted":3}""");
        await AssertExactAsync(await Client.SendAsync("DELETE", $"/v1/topics/{topic}/tasks"), HttpStatusCode.OK, """{"deleted":0}""");
    }

    [Test]
    public async Task TaskList_IsOrderedById_AndPaged()
    {
        var topic = Unique("topic");
        var prefix = Unique("id");
        await Client.SendAsync("POST", $"/v1/topics/{topic}/tasks",
            $$"""{"data":[{"_id":"{{prefix}}-c"},{"_id":"{{prefix}}-a"},{"_id":"{{prefix}}-b"}]}""");

        var all = await (await Client.SendAsync("GET", $"/v1/topics/{topic}/tasks")).JsonAsync();
        var page = await (await Client.SendAsync("GET", $"/v1/topics/{topic}/tasks?limit=1&offset=1")).JsonAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(all.Ids(), Is.EqualTo(new[] { $"{prefix}-a", $"{prefix}-b", $"{prefix}-c" }));
            Assert.That(page.Ids(), Is.EqualTo(new[] { $"{prefix}-b" }));
        }
    }

    [Test]
    public async Task SingleTask_InsertConflictsInAnyTopic_UpsertReplaces_DeleteNeverAnswers404()
    {
        var topic = Unique("topic");
        var id = Unique("id");
        await AssertExactAsync(await Client.SendAsync("POST", $"/v1/topics/{topic}/tasks/{id}", """{"producer":"p","payload":"x"}"""),
            HttpStatusCode.Created, """{"created":1,"updated":0}""");
        await AssertErrorAsync(await Client.SendAsync("POST", $"/v1/topics/{topic}/tasks/{id}", "{}"),
            HttpStatusCode.Conflict, "conflict: a task with the same ID already exists");
        await AssertErrorAsync(await Client.SendAsync("POST", $"/v1/topics/{Unique("other")}/tasks/{id}", "{}"),
            HttpStatusCode.Conflict, "conflict: a task with the same ID already exists");

        var created = await (await Client.SendAsync("GET", $"/v1/topics/anything/tasks/{id}")).JsonAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(created.Names(), Is.EqualTo(new[] { "_id", "topic", "state", "nonce", "producer", "produced", "scheduled", "payload" }));
            Assert.That(created.Str("_id"), Is.EqualTo(id));
            Assert.That(created.Str("topic"), Is.EqualTo(topic));
            Assert.That(created.Int("state"), Is.Zero);
            Assert.That(created.Str("nonce"), Is.Empty);
            Assert.That(created.Str("producer"), Is.EqualTo("p"));
            Assert.That(created.Instant("scheduled"), Is.EqualTo(created.Instant("produced")));
            Assert.That(created.GetProperty("payload").GetRawText(), Is.EqualTo("\"x\""));
        }

        await AssertExactAsync(await Client.SendAsync("PUT", $"/v1/topics/{topic}/tasks/{id}", "{}"), HttpStatusCode.OK, """{"created":0,"updated":1}""");
        var replaced = await (await Client.SendAsync("GET", $"/v1/topics//tasks/{id}")).JsonAsync();
        Assert.That(replaced.Names(), Is.EqualTo(new[] { "_id", "topic", "state", "nonce", "produced", "scheduled" }), "a full replacement");

        var fresh = Unique("id");
        await AssertExactAsync(await Client.SendAsync("PUT", $"/v1/topics/{topic}/tasks/{fresh}", "{}"), HttpStatusCode.Created, """{"created":1,"updated":0}""");
        await AssertExactAsync(await Client.SendAsync("DELETE", $"/v1/topics/{topic}/tasks/{id}"), HttpStatusCode.OK, """{"deleted":1}""");
        await AssertExactAsync(await Client.SendAsync("DELETE", $"/v1/topics/{topic}/tasks/{id}"), HttpStatusCode.OK, """{"deleted":0}""");
        await AssertErrorAsync(await Client.SendAsync("GET", $"/v1/topics/{topic}/tasks/{id}"), HttpStatusCode.NotFound, "not found");
    }

    [Test]
    public async Task Commit_MovesAndCompletes_409OnStaleNonce_404OnMissingTask()
    {
        var topic = Unique("topic");
        var id = Unique("id");
        await Client.SendAsync("POST", $"/v1/topics/{topic}/tasks/{id}", "{}");

        await AssertErrorAsync(await Client.SendAsync("PATCH", $"/v1/topics/{topic}/tasks/{id}", """{"nonce":"stale"}"""),
            HttpStatusCode.Conflict, "conflict: the task may have been modified by others");
        await AssertErrorAsync(await Client.SendAsync("PATCH", $"/v1/topics/{topic}/tasks/{Unique("missing")}", "{}"),
            HttpStatusCode.NotFound, "not found");

        var moved = Unique("moved");
        var response = await Client.SendAsync("PATCH", $"/v1/topics//tasks/{id}", $$"""{"topic":"{{moved}}"}""");
        var task = await response.JsonAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(task.Str("_id"), Is.EqualTo(id));
            Assert.That(task.Str("topic"), Is.EqualTo(moved));
            Assert.That(task.Int("state"), Is.EqualTo(2));
            Assert.That(task.Str("nonce"), Is.Empty);
        }
    }

    [Test]
    public async Task Promises_PollListGetReclaimRelease()
    {
        var topic = Unique("topic");
        var id = Unique("id");
        await Client.SendAsync("POST", $"/v1/topics/{topic}/tasks/{id}", """{"payload":1}""");

        var poll = await Client.SendAsync("POST", $"/v1/topics/{topic}/promises", """{"consumer":"w1"}""");
        var claimed = await poll.JsonAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(poll.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(claimed.Names(), Is.EqualTo(new[] { "_id", "topic", "state", "nonce", "consumer", "produced", "scheduled", "consumed", "deadline", "payload" }));
            Assert.That(claimed.Str("_id"), Is.EqualTo(id));
            Assert.That(claimed.Int("state"), Is.EqualTo(1));
            Assert.That(claimed.Str("nonce"), Does.Match("^[A-Za-z0-9]{16}$"));
            Assert.That(claimed.Str("consumer"), Is.EqualTo("w1"));
            Assert.That(claimed.Instant("deadline") - claimed.Instant("consumed"), Is.EqualTo(TimeSpan.FromMinutes(10)).Within(TimeSpan.FromSeconds(5)));
        }

        var list = await (await Client.SendAsync("GET", $"/v1/topics/{topic}/promises")).JsonAsync();
        var promise = await (await Client.SendAsync("GET", $"/v1/topics//promises/{id}")).JsonAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(list.Names(), Is.EqualTo(new[] { "data" }));
            Assert.That(list.GetProperty("data").GetArrayLength(), Is.EqualTo(1));
            Assert.That(list.GetProperty("data")[0].GetRawText(), Is.EqualTo(promise.GetRawText()));
            Assert.That(promise.Names(), Is.EqualTo(new[] { "_id", "consumer", "deadline" }));
            Assert.That(promise.Str("_id"), Is.EqualTo(id));
            Assert.That(promise.Instant("deadline"), Is.EqualTo(claimed.Instant("deadline")));
        }

        await AssertErrorAsync(await Client.SendAsync("POST", $"/v1/topics/{topic}/promises/{id}", "{}"),
            HttpStatusCode.Conflict, "conflict: the target task is not in pending state");

        var reclaim = await Client.SendAsync("PUT", $"/v1/topics/{topic}/promises/{id}", "{}");
        var reclaimed = await reclaim.JsonAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reclaim.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(reclaimed.Int("state"), Is.EqualTo(1));
            Assert.That(reclaimed.Str("nonce"), Does.Match("^[A-Za-z0-9]{16}$").And.Not.EqualTo(claimed.Str("nonce")));
            Assert.That(reclaimed.TryGetProperty("consumer", out _), Is.False, "an empty consumer clears it");
        }

        await AssertExactAsync(await Client.SendAsync("DELETE", $"/v1/topics/{topic}/promises/{id}"), HttpStatusCode.OK, """{"deleted":1}""");
        var released = await (await Client.SendAsync("GET", $"/v1/topics//tasks/{id}")).JsonAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(released.Int("state"), Is.Zero);
            Assert.That(released.Str("nonce"), Is.Empty);
            Assert.That(released.Instant("deadline"), Is.EqualTo(reclaimed.Instant("deadline")), "deadline is kept");
        }

        await AssertErrorAsync(await Client.SendAsync("GET", $"/v1/topics/{topic}/promises/{id}"), HttpStatusCode.NotFound, "not found");
        await AssertExactAsync(await Client.SendAsync("DELETE", $"/v1/topics/{topic}/promises/{id}"), HttpStatusCode.OK, """{"deleted":0}""");
        await AssertExactAsync(await Client.SendAsync("GET", $"/v1/topics/{topic}/promises"), HttpStatusCode.OK, """{"data":[]}""");

        await Client.SendAsync("POST", $"/v1/topics/{topic}/promises");
        await AssertExactAsync(await Client.SendAsync("DELETE", $"/v1/topics/{topic}/promises"), HttpStatusCode.OK, """{"deleted":1}""");
        await AssertExactAsync(await Client.SendAsync("DELETE", $"/v1/topics/{topic}/promises"), HttpStatusCode.OK, """{"deleted":0}""");
        await AssertErrorAsync(await Client.SendAsync("POST", $"/v1/topics/{Unique("empty")}/promises"), HttpStatusCode.NotFound, "not found");
    }

    [Test]
    public async Task PollWithId_BehavesAsClaimById_WhateverThePathTopic()
    {
        var id = Unique("id");
        var topic = Unique("topic");
        await Client.SendAsync("POST", $"/v1/topics/{topic}/tasks/{id}", $$"""{"scheduled":"2999-01-01T00:00:00Z"}""");

        var response = await Client.SendAsync("POST", $"/v1/topics/{Unique("other")}/promises", $$"""{"_id":"{{id}}"}""");
        var task = await response.JsonAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(task.Str("_id"), Is.EqualTo(id));
            Assert.That(task.Str("topic"), Is.EqualTo(topic));
            Assert.That(task.Int("state"), Is.EqualTo(1));
        }

        await AssertErrorAsync(await Client.SendAsync("POST", $"/v1/topics/x/promises?_id={id}"),
            HttpStatusCode.Conflict, "conflict: the target task is not in pending state");
        await AssertErrorAsync(await Client.SendAsync("POST", $"/v1/topics/x/promises", $$"""{"_id":"{{Unique("missing")}}"}"""),
            HttpStatusCode.NotFound, "not found");
        await AssertErrorAsync(await Client.SendAsync("PUT", $"/v1/topics/x/promises/{Unique("missing")}"),
            HttpStatusCode.NotFound, "not found");
    }

    [TestCase("/v1/livez")]
    [TestCase("/livez")]
    [TestCase("/v1/healthz")]
    [TestCase("/healthz")]
    [TestCase("/v1/readyz")]
    [TestCase("/readyz")]
    public async Task Health_200WithEmptyBody(string path)
    {
        var response = await Client.SendAsync("GET", path);
        var body = await response.Content.ReadAsByteArrayAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(body, Is.Empty);
            Assert.That(response.Content.Headers.ContentType, Is.Null);
        }
    }

    [Test]
    public async Task Readyz_503WithEnvelope_WhenTheEngineIsUnavailable()
    {
        var repository = new CountingTaskRepository { ReadyFailure = new ServiceUnavailableException() };
        await using var factory = new RatusApiFactory(services: s => s.AddSingleton<ITaskRepository>(repository));
        using var client = factory.CreateRawClient();

        var response = await client.SendAsync("GET", "/v1/readyz");

        await AssertExactAsync(response, HttpStatusCode.ServiceUnavailable, """{"error":{"code":503,"message":"service unavailable"}}""");
        await AssertErrorContainsAsync(await client.SendAsync("GET", "/readyz"), HttpStatusCode.ServiceUnavailable, "unavailable");
    }
}
