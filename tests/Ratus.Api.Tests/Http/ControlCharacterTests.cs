using System.Net;
using Ratus.Api.Tests.Support;
using static Ratus.Api.Tests.Support.Wire;

namespace Ratus.Api.Tests.Http;

// docs/protocol.md, D10: an ID or topic with a control character (Unicode Cc: U+0000–U+001F, U+007F–U+009F) is refused wherever a task
// is written, whether it comes from the body or the path, single or bulk. A NUL is fine in a JSON string but can never
// be addressed by path (Kestrel refuses %00), and the others corrupt logs, terminals and line-based tools.
[TestFixture(RatusApiFactory.MemDb)]
[TestFixture(RatusApiFactory.MongoDb)]
public sealed class ControlCharacterTests(string engine) : ApiTestBase(engine)
{
    [TestCase("POST", "\\u0000")]
    [TestCase("PUT", "\\u001f")]
    [TestCase("POST", "\\n")]
    [TestCase("PUT", "\\u007f")]
    [TestCase("POST", "\\u0085")]
    [TestCase("PUT", "\\u009b")]
    public async Task Bulk_ControlCharacterInBodyId_Is400AndStoresNone(string method, string escaped)
    {
        var id = Unique("id");

        var response = await Client.SendAsync(method, "/v1/topics/t/tasks", $$"""{"data":[{"_id":"{{id}}-ok"},{"_id":"{{id}}{{escaped}}"}]}""");

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "bad request: task ID must not contain control characters");
        Assert.That((await Client.GetAsync($"/v1/topics//tasks/{id}-ok")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [TestCase("POST", "%01", "")]
    [TestCase("PUT", "%1B", "")]
    [TestCase("POST", "%7F", "\\u007f")]
    [TestCase("PUT", "%C2%85", "\\u0085")]
    public async Task SingleTask_ControlCharacterInPathId_Is400(string method, string encoded, string escaped)
    {
        var id = Unique("id");

        // The body may repeat the path's ID.
        var body = escaped.Length == 0 ? "{}" : $$"""{"_id":"{{id}}{{escaped}}"}""";
        var response = await Client.SendAsync(method, $"/v1/topics/t/tasks/{id}{encoded}", body);

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "bad request: task ID must not contain control characters");
    }

    [TestCase("POST")]
    [TestCase("PUT")]
    public async Task ControlCharacterInTopic_Is400AndStoresNothing(string method)
    {
        var topic = Unique("topic");
        var id = Unique("id");

        var inBody = await Client.SendAsync(method, $"/v1/topics//tasks/{id}", $$"""{"topic":"{{topic}}\t"}""");
        var inPath = await Client.SendAsync(method, $"/v1/topics/{topic}%0A/tasks/{id}", "{}");
        var inBulkBody = await Client.SendAsync(method, "/v1/topics//tasks", $$"""{"data":[{"_id":"{{id}}","topic":"{{topic}}\u0000"}]}""");
        var inBulkPath = await Client.SendAsync(method, $"/v1/topics/{topic}%7F/tasks", $$"""{"data":[{"_id":"{{id}}"}]}""");

        foreach (var response in new[] { inBody, inPath, inBulkBody, inBulkPath })
        {
            await AssertErrorAsync(response, HttpStatusCode.BadRequest, "bad request: topic must not contain control characters");
        }

        Assert.That((await Client.GetAsync($"/v1/topics//tasks/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task CommitIntoATopicWithAControlCharacter_Is400AndLeavesTheTask()
    {
        var topic = Unique("topic");
        var id = Unique("id");
        await Client.SendAsync("POST", $"/v1/topics/{topic}/tasks/{id}", "{}");

        var response = await Client.SendAsync("PATCH", $"/v1/topics//tasks/{id}", $$"""{"topic":"{{topic}}\r"}""");

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "bad request: topic must not contain control characters");
        var task = await (await Client.GetAsync($"/v1/topics//tasks/{id}")).JsonAsync();
        Assert.That((task.Str("topic"), task.Int("state")), Is.EqualTo((topic, 0)));
    }

    [Test]
    public async Task PrintableUnicode_IsStillAccepted()
    {
        var id = Unique("id") + "\u00a0é€😀\u200b";
        var topic = Unique("topic") + "\u00ff";

        var response = await Client.SendAsync("POST", "/v1/topics//tasks", $$"""{"data":[{"_id":"{{id}}","topic":"{{topic}}"}]}""");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
    }
}
