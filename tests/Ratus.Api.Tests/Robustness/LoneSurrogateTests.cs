using System.Net;
using Ratus.Api.Tests.Support;
using static Ratus.Api.Tests.Support.Wire;

namespace Ratus.Api.Tests.Robustness;

// Issue 10, item 9: a lone UTF-16 surrogate escape ("\udc00") is valid JSON syntax but no Unicode text. In a string
// field it once reached a 500 carrying .NET's exception text; it is a 400 like any other invalid value. In the payload,
// which is kept as the exact JSON text that was sent (docs/protocol.md, D4), it is accepted and comes back verbatim.
public sealed class LoneSurrogateTests : ApiTestBase
{
    private const string Lone = @"\udc00";

    private static readonly string[] TaskStringFields = ["_id", "topic", "nonce", "producer", "consumer", "defer", "traceparent"];

    private static readonly string[] TaskTimeFields = ["produced", "scheduled", "consumed", "deadline"];

    public static IEnumerable<TestCaseData> TaskBodies()
    {
        foreach (var field in TaskStringFields.Concat(TaskTimeFields))
        {
            yield return new TestCaseData("POST", "/v1/topics/lone/tasks/{id}", $$"""{"{{field}}":"{{Lone}}"}""").SetArgDisplayNames("POST task", field);
            yield return new TestCaseData("PUT", "/v1/topics/lone/tasks/{id}", $$"""{"{{field}}":"a{{Lone}}b"}""").SetArgDisplayNames("PUT task", field);
            yield return new TestCaseData("POST", "/v1/topics/lone/tasks", $$"""{"data":[{"_id":"{id}","{{field}}":"{{Lone}}"}]}""").SetArgDisplayNames("POST tasks", field);
            yield return new TestCaseData("PUT", "/v1/topics/lone/tasks", $$"""{"data":[{"_id":"{id}","{{field}}":"{{Lone}}"}]}""").SetArgDisplayNames("PUT tasks", field);
        }

        // A member name: the original's decoder would have to match it against the field names first.
        yield return new TestCaseData("POST", "/v1/topics/lone/tasks/{id}", $$"""{"{{Lone}}":1}""").SetArgDisplayNames("POST task", "member name");
        yield return new TestCaseData("POST", "/v1/topics/lone/tasks", $$"""{"{{Lone}}":[]}""").SetArgDisplayNames("POST tasks", "member name");
    }

    public static IEnumerable<TestCaseData> PromiseAndCommitBodies()
    {
        foreach (var field in new[] { "_id", "consumer", "timeout", "deadline" })
        {
            yield return new TestCaseData("POST", "/v1/topics/lone/promises", $$"""{"{{field}}":"{{Lone}}"}""").SetArgDisplayNames("POST promises", field);
            yield return new TestCaseData("POST", "/v1/topics/lone/promises/{id}", $$"""{"{{field}}":"{{Lone}}"}""").SetArgDisplayNames("POST promise", field);
            yield return new TestCaseData("PUT", "/v1/topics/lone/promises/{id}", $$"""{"{{field}}":"{{Lone}}"}""").SetArgDisplayNames("PUT promise", field);
        }

        foreach (var field in new[] { "nonce", "topic", "defer", "scheduled" })
        {
            yield return new TestCaseData("PATCH", "/v1/topics/lone/tasks/{id}", $$"""{"{{field}}":"{{Lone}}"}""").SetArgDisplayNames("PATCH task", field);
        }

        yield return new TestCaseData("PATCH", "/v1/topics/lone/tasks/{id}", $$"""{"{{Lone}}":1}""").SetArgDisplayNames("PATCH task", "member name");
        yield return new TestCaseData("POST", "/v1/topics/lone/promises", $$"""{"{{Lone}}":1}""").SetArgDisplayNames("POST promises", "member name");
    }

    [TestCaseSource(nameof(TaskBodies))]
    [TestCaseSource(nameof(PromiseAndCommitBodies))]
    public async Task StringField_LoneSurrogate_400AndNothingChanges(string method, string path, string body)
    {
        // A pending task to claim or commit, so that only the body can fail the request.
        var id = Unique("lone");
        Assert.That((await Client.SendAsync("POST", $"/v1/topics/lone/tasks/{id}", "{}")).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var before = await (await Client.SendAsync("GET", $"/v1/topics//tasks/{id}")).Content.ReadAsStringAsync();

        using var response = await Client.SendAsync(method, path.Replace("{id}", id, StringComparison.Ordinal), body.Replace("{id}", id, StringComparison.Ordinal));

        var message = await AssertErrorAsync(response, HttpStatusCode.BadRequest);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(message, Does.StartWith("bad request: ").And.Contain("surrogate"));
            Assert.That(message, Does.Not.Contain("Exception").And.Not.Contain("0xDC00"));
            Assert.That(await (await Client.SendAsync("GET", $"/v1/topics//tasks/{id}")).Content.ReadAsStringAsync(), Is.EqualTo(before));
        }
    }

    // The payload is JSON text kept byte for byte (docs/protocol.md, D4): a lone surrogate escape is valid JSON syntax, so it is stored
    // and returned as sent, like any other escape. Decoding it is the consumer's business.
    [TestCase(@"""\udc00""")]
    [TestCase(@"{""\ud800"":[""x\udc00y"",""\ud83d\ude00""]}")]
    public async Task Payload_LoneSurrogate_KeptVerbatim(string payload)
    {
        var id = Unique("lone-payload");

        using var created = await Client.SendAsync("POST", $"/v1/topics/lone/tasks/{id}", $$"""{"payload":{{payload}}}""");
        var text = await (await Client.SendAsync("GET", $"/v1/topics//tasks/{id}")).Content.ReadAsStringAsync();

        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(text, Does.Contain($"\"payload\":{payload}"));
    }

    // A query string is percent-decoded as UTF-8: the bytes of a lone surrogate (ED B0 80) are not UTF-8, so they
    // never become one. Whatever the value turns into, the answer is an ordinary one, never a 500.
    [TestCase("POST", "/v1/topics/lone-query/promises?consumer=%ED%B0%80")]
    [TestCase("POST", "/v1/topics/lone-query/promises?timeout=%ED%B0%80")]
    [TestCase("POST", "/v1/topics/lone-query/promises?_id=%ED%B0%80")]
    [TestCase("POST", "/v1/topics/lone-query/promises?deadline=%ED%B0%80")]
    [TestCase("GET", "/v1/topics/lone-query/tasks?limit=%ED%B0%80")]
    [TestCase("GET", "/v1/topics?offset=%ED%B0%80")]
    public async Task QueryValue_SurrogateBytes_NeverA500(string method, string url)
    {
        using var response = await Client.SendAsync(method, url);

        var text = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.LessThan(500), text);
        Assert.That(text, Does.Not.Contain("Exception"));
    }
}
