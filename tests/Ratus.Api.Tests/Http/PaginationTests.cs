using System.Net;
using Ratus.Api.Tests.Support;
using static Ratus.Api.Tests.Support.Wire;

namespace Ratus.Api.Tests.Http;

// docs/protocol.md §7.2 (the original's pagination tests) and §2.2, observed through real lists.
public sealed class PaginationTests
{
    private RatusApiFactory _max20 = null!;
    private RatusApiFactory _max5 = null!;
    private HttpClient _client20 = null!;
    private HttpClient _client5 = null!;

    [OneTimeSetUp]
    public void StartServers()
    {
        _max20 = RatusApiFactory.WithPagination(20, 20);
        _max5 = RatusApiFactory.WithPagination(5, 5);
        _client20 = _max20.CreateRawClient();
        _client5 = _max5.CreateRawClient();
    }

    [OneTimeTearDown]
    public async Task StopServers()
    {
        _client20.Dispose();
        _client5.Dispose();
        await _max20.DisposeAsync();
        await _max5.DisposeAsync();
    }

    private static async Task<(string Topic, string[] Ids)> SeedAsync(HttpClient client, int count)
    {
        var topic = Unique("topic");
        var ids = Enumerable.Range(0, count).Select(i => $"{topic}-{i:D2}").ToArray();
        var data = string.Join(",", ids.Select(id => $$"""{"_id":"{{id}}"}"""));
        var response = await client.SendAsync("POST", $"/v1/topics/{topic}/tasks", $$"""{"data":[{{data}}]}""");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        return (topic, ids);
    }

    [Test]
    public async Task Max20_OffsetOnly_UsesTheDefaultLimitOf10()
    {
        var (topic, ids) = await SeedAsync(_client20, 20);

        var page = await (await _client20.SendAsync("GET", $"/v1/topics/{topic}/tasks?offset=5")).JsonAsync();
        var emptyLimit = await (await _client20.SendAsync("GET", $"/v1/topics/{topic}/tasks?limit=&offset=")).JsonAsync();
        var atMaxOffset = await _client20.SendAsync("GET", $"/v1/topics/{topic}/tasks?limit=20&offset=20");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(page.Ids(), Is.EqualTo(ids[5..15]));
            Assert.That(emptyLimit.Ids(), Is.EqualTo(ids[..10]));
        }

        await AssertExactAsync(atMaxOffset, HttpStatusCode.OK, """{"data":[]}""");
    }

    [TestCase("offset=foo", "bad request: invalid pagination parameters")]
    [TestCase("limit=abc", "bad request: invalid pagination parameters")]
    [TestCase("limit=1.5", "bad request: invalid pagination parameters")]
    [TestCase("limit=21", "bad request: exceeded maximum allowed limit of 20")]
    [TestCase("offset=21", "bad request: exceeded maximum allowed offset of 20")]
    [TestCase("limit=-1&offset=-1", "bad request: limit must not be negative")]
    public async Task Max20_RejectsBadParameters_OnEveryList(string query, string message)
    {
        foreach (var path in new[] { "/v1/topics", "/v1/topics/x/tasks", "/v1/topics/x/promises" })
        {
            await AssertErrorAsync(await _client20.SendAsync("GET", $"{path}?{query}"), HttpStatusCode.BadRequest, message);
        }
    }

    [Test]
    public async Task Max5_NoParameters_UsesTheMaximumAsTheDefault()
    {
        var (topic, ids) = await SeedAsync(_client5, 7);
        for (var i = 0; i < 7; i++)
        {
            await _client5.SendAsync("POST", $"/v1/topics/{topic}/promises");
        }

        var tasks = await (await _client5.SendAsync("GET", $"/v1/topics/{topic}/tasks")).JsonAsync();
        var promises = await (await _client5.SendAsync("GET", $"/v1/topics/{topic}/promises")).JsonAsync();
        var lastPage = await (await _client5.SendAsync("GET", $"/v1/topics/{topic}/promises?offset=5")).JsonAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(tasks.Ids(), Is.EqualTo(ids[..5]));
            Assert.That(promises.Ids(), Is.EqualTo(ids[..5]));
            Assert.That(lastPage.Ids(), Is.EqualTo(ids[5..]));
        }
    }

    [TestCase("limit=-1", "bad request: limit must not be negative")]
    [TestCase("offset=-1", "bad request: offset must not be negative")]
    [TestCase("limit=6", "bad request: exceeded maximum allowed limit of 5")]
    [TestCase("offset=6", "bad request: exceeded maximum allowed offset of 5")]
    public async Task Max5_RejectsBadParameters(string query, string message) =>
        await AssertErrorAsync(await _client5.SendAsync("GET", $"/v1/topics?{query}"), HttpStatusCode.BadRequest, message);
}
