using System.Net;
using Ratus.Api.Tests.Support;
using static Ratus.Api.Tests.Support.Wire;

namespace Ratus.Api.Tests.Http;

// A repeated query parameter takes its first value, as gin's c.Query and query binding do; values are never joined.
public sealed class QueryParameterTests : ApiTestBase
{
    [Test]
    public async Task Promise_RepeatedParameters_TakeTheFirstValue()
    {
        var topic = Unique("topic");
        var id = Unique("id");
        await Client.SendAsync("POST", $"/v1/topics/{topic}/tasks/{id}", "{}");

        var response = await Client.SendAsync("POST",
            $"/v1/topics/{topic}/promises?consumer=a&consumer=b&timeout=1h&timeout=bad&_id={id}&_id=other", "{}");

        var task = await response.JsonAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(task.Str("_id"), Is.EqualTo(id));
            Assert.That(task.Str("consumer"), Is.EqualTo("a"));
            Assert.That(task.Instant("deadline") - task.Instant("consumed"), Is.EqualTo(TimeSpan.FromHours(1)).Within(TimeSpan.FromMinutes(1)));
        }
    }

    [Test]
    public async Task Promise_RepeatedDeadline_TakesTheFirstValue()
    {
        var topic = Unique("topic");
        var id = Unique("id");
        await Client.SendAsync("POST", $"/v1/topics/{topic}/tasks/{id}", "{}");

        var response = await Client.SendAsync("POST",
            $"/v1/topics/{topic}/promises/{id}?deadline=2100-01-01T00:00:00Z&deadline=2200-01-01T00:00:00Z", "{}");

        var task = await response.JsonAsync();
        Assert.That(task.Instant("deadline"), Is.EqualTo(new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    [Test]
    public async Task List_RepeatedPagination_TakesTheFirstValue()
    {
        var topic = Unique("topic");
        await Client.SendAsync("POST", $"/v1/topics/{topic}/tasks",
            $$"""{"data":[{"_id":"{{Unique("a")}}"},{"_id":"{{Unique("b")}}"},{"_id":"{{Unique("c")}}"}]}""");

        var response = await Client.GetAsync($"/v1/topics/{topic}/tasks?limit=2&limit=x&offset=0&offset=y");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That((await response.JsonAsync()).Ids(), Has.Length.EqualTo(2));
    }
}
