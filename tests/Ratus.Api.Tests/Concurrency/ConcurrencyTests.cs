using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Ratus.Api.Tests.Concurrency;

/// docs/protocol.md §3.2: the nonce fences commits and every claim, insert and commit is atomic under concurrent requests.
public sealed class ConcurrencyTests
{
    private const int Contenders = 20;
    private const string NotFound = """{"error":{"code":404,"message":"not found"}}""";

    private MemDbApiFactory _factory = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public void OneTimeSetUp()
    {
        _factory = new MemDbApiFactory();
        _client = _factory.CreateClient();
        _client.Timeout = TimeSpan.FromSeconds(30);
    }

    [OneTimeTearDown]
    public async Task OneTimeTearDown()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Test]
    public async Task WildcardPolls_MoreThanTasks_EachTaskIsClaimedOnceAndTheRestGet404()
    {
        var topic = NewName("t");
        var ids = Enumerable.Range(0, 10).Select(i => $"{topic}-{i}").ToArray();
        await PushAsync(topic, ids);

        var responses = await AllAtOnceAsync(Contenders, i => SendAsync(
            HttpMethod.Post, $"/v1/topics/{topic}/promises", $$"""{"consumer":"c{{i}}","timeout":"30s"}"""));

        var claimed = responses.Where(r => r.Status == HttpStatusCode.OK).Select(r => JsonNode.Parse(r.Body)!).ToArray();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(claimed, Has.Length.EqualTo(10));
            Assert.That(responses.Count(r => r.Status == HttpStatusCode.NotFound), Is.EqualTo(10));
            Assert.That(claimed.Select(t => (string)t["_id"]!), Is.EquivalentTo(ids), "every task claimed exactly once");
            Assert.That(claimed.Select(t => (int)t["state"]!), Is.All.EqualTo(1));
            Assert.That(claimed.Select(t => (string)t["nonce"]!).Distinct().Count(), Is.EqualTo(10));
            Assert.That(responses.Where(r => r.Status == HttpStatusCode.NotFound).Select(r => r.Body), Is.All.EqualTo(NotFound));
        }
    }

    [Test]
    public async Task Commits_WithTheSameNonce_ExactlyOneSucceeds()
    {
        var topic = NewName("t");
        var id = NewName("id");
        await PushAsync(topic, [id]);
        var claim = await SendAsync(HttpMethod.Post, $"/v1/topics//promises/{id}", """{"consumer":"holder"}""");
        Assert.That(claim.Status, Is.EqualTo(HttpStatusCode.OK), claim.Body);
        var nonce = (string)JsonNode.Parse(claim.Body)!["nonce"]!;

        var responses = await AllAtOnceAsync(Contenders, _ => SendAsync(
            HttpMethod.Patch, $"/v1/topics//tasks/{id}", $$"""{"nonce":"{{nonce}}"}"""));

        var task = await GetTaskAsync(id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(responses.Count(r => r.Status == HttpStatusCode.OK), Is.EqualTo(1));
            Assert.That(responses.Where(r => r.Status != HttpStatusCode.OK).Select(r => r.Body), Has.Exactly(Contenders - 1).EqualTo(
                """{"error":{"code":409,"message":"conflict: the task may have been modified by others"}}"""));
            Assert.That((int)task["state"]!, Is.EqualTo(2));
            Assert.That((string)task["nonce"]!, Is.Empty);
        }
    }

    [Test]
    public async Task Inserts_OfOneId_ExactlyOneCreatesItAndItsPayloadIsKept()
    {
        var topic = NewName("t");
        var id = NewName("id");

        var responses = await AllAtOnceAsync(Contenders, i => SendAsync(
            HttpMethod.Post, $"/v1/topics/{topic}/tasks/{id}", $$"""{"payload":{{i}}}"""));

        var winners = Enumerable.Range(0, Contenders).Where(i => responses[i].Status == HttpStatusCode.Created).ToArray();
        Assert.That(winners, Has.Length.EqualTo(1), string.Join(", ", responses.Select(r => r.Status)));
        var task = await GetTaskAsync(id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(responses[winners[0]].Body, Is.EqualTo("""{"created":1,"updated":0}"""));
            Assert.That(responses.Where(r => r.Status != HttpStatusCode.Created).Select(r => r.Body), Has.Exactly(Contenders - 1).EqualTo(
                """{"error":{"code":409,"message":"conflict: a task with the same ID already exists"}}"""));
            Assert.That((int)task["payload"]!, Is.EqualTo(winners[0]), "the stored task is the one whose insert won");
        }
    }

    [Test]
    public async Task PromisesById_OnOnePendingTask_ExactlyOneClaimsIt()
    {
        var topic = NewName("t");
        var id = NewName("id");
        await PushAsync(topic, [id]);

        var responses = await AllAtOnceAsync(Contenders, i => SendAsync(
            HttpMethod.Post, $"/v1/topics//promises/{id}", $$"""{"consumer":"c{{i}}"}"""));

        var winners = Enumerable.Range(0, Contenders).Where(i => responses[i].Status == HttpStatusCode.OK).ToArray();
        Assert.That(winners, Has.Length.EqualTo(1), string.Join(", ", responses.Select(r => r.Status)));
        var claimed = JsonNode.Parse(responses[winners[0]].Body)!;
        var task = await GetTaskAsync(id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(responses.Where(r => r.Status != HttpStatusCode.OK).Select(r => r.Body), Has.Exactly(Contenders - 1).EqualTo(
                """{"error":{"code":409,"message":"conflict: the target task is not in pending state"}}"""));
            Assert.That((int)task["state"]!, Is.EqualTo(1));
            Assert.That((string?)task["consumer"], Is.EqualTo($"c{winners[0]}"));
            Assert.That((string)task["nonce"]!, Is.EqualTo((string)claimed["nonce"]!).And.Length.EqualTo(16));
        }
    }

    [Test]
    public async Task Consumers_DrainingAQueue_CommitEveryTaskExactlyOnce()
    {
        const int TaskCount = 3000;
        const int Consumers = 8;
        var topic = NewName("t");
        var ids = Enumerable.Range(0, TaskCount).Select(i => $"{topic}-{i:D4}").ToArray();
        await PushAsync(topic, ids);

        var committed = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var failures = new ConcurrentQueue<string>();
        var workers = Enumerable.Range(0, Consumers).Select(worker => Task.Run(async () =>
        {
            // Bounded: a server that keeps handing out tasks cannot make this loop forever.
            for (var round = 0; round <= TaskCount; round++)
            {
                var poll = await SendAsync(HttpMethod.Post, $"/v1/topics/{topic}/promises", $$"""{"consumer":"w{{worker}}","timeout":"30s"}""");
                if (poll.Status == HttpStatusCode.NotFound)
                {
                    return;
                }

                if (poll.Status != HttpStatusCode.OK)
                {
                    failures.Enqueue($"poll: {(int)poll.Status} {poll.Body}");
                    return;
                }

                var task = JsonNode.Parse(poll.Body)!;
                var id = (string)task["_id"]!;
                var commit = await SendAsync(HttpMethod.Patch, $"/v1/topics//tasks/{id}", $$"""{"nonce":"{{(string)task["nonce"]!}}"}""");
                if (commit.Status != HttpStatusCode.OK)
                {
                    failures.Enqueue($"commit {id}: {(int)commit.Status} {commit.Body}");
                    continue;
                }

                committed.AddOrUpdate(id, 1, (_, count) => count + 1);
            }

            failures.Enqueue($"consumer {worker} never saw the topic empty");
        })).ToArray();
        await Task.WhenAll(workers);

        var states = new Dictionary<string, (int State, string Nonce)>(StringComparer.Ordinal);
        for (var offset = 0; offset < TaskCount + 100; offset += 100)
        {
            var page = await SendAsync(HttpMethod.Get, $"/v1/topics/{topic}/tasks?limit=100&offset={offset}", null);
            Assert.That(page.Status, Is.EqualTo(HttpStatusCode.OK), page.Body);
            foreach (var task in JsonNode.Parse(page.Body)!["data"]!.AsArray())
            {
                states.Add((string)task!["_id"]!, ((int)task["state"]!, (string)task["nonce"]!));
            }
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(failures, Is.Empty);
            Assert.That(committed.Keys, Is.EquivalentTo(ids), "no task lost and none invented");
            Assert.That(committed.Where(c => c.Value != 1).Select(c => c.Key), Is.Empty, "no task committed twice");
            Assert.That(states.Keys, Is.EquivalentTo(ids));
            Assert.That(states.Values.Where(s => s.State != 2 || s.Nonce.Length != 0), Is.Empty, "every task completed, nonce cleared");
        }
    }

    private static string NewName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    // Starts every call before letting any of them send, so the requests really overlap.
    private static async Task<(HttpStatusCode Status, string Body)[]> AllAtOnceAsync(
        int count, Func<int, Task<(HttpStatusCode Status, string Body)>> call)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await call(i);
        })).ToArray();
        start.SetResult();
        return await Task.WhenAll(calls);
    }

    private async Task PushAsync(string topic, IReadOnlyCollection<string> ids)
    {
        var data = new JsonArray([.. ids.Select(id => (JsonNode)new JsonObject { ["_id"] = id })]);
        var body = new JsonObject { ["data"] = data }.ToJsonString();
        var response = await SendAsync(HttpMethod.Post, $"/v1/topics/{topic}/tasks", body);
        Assert.That(response.Body, Is.EqualTo(string.Create(CultureInfo.InvariantCulture, $$"""{"created":{{ids.Count}},"updated":0}""")));
    }

    private async Task<JsonNode> GetTaskAsync(string id)
    {
        var response = await SendAsync(HttpMethod.Get, $"/v1/topics//tasks/{id}", null);
        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK), response.Body);
        return JsonNode.Parse(response.Body)!;
    }

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, string path, string? json)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await _client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
