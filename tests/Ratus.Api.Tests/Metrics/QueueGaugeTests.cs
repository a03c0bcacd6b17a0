using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Ratus.Api.Tests.Deployment;
using Ratus.Api.Tests.Support;
using Ratus.Application.Abstractions;
using Ratus.Application.Diagnostics;

namespace Ratus.Api.Tests.Metrics;

/// The queue gauges and redelivery counters that the original lacks: ratus_tasks{topic,state},
/// ratus_oldest_due_task_age_seconds, ratus_promises_recovered_total and ratus_commits_rejected_total.
[TestFixture(RatusApiFactory.MemDb)]
[TestFixture(RatusApiFactory.MongoDb)]
public sealed partial class QueueGaugeTests(string engine)
{
    private RatusApiFactory _factory = null!;
    private HttpClient _client = null!;
    private FakeTimeProvider _time = null!;

    [OneTimeSetUp]
    public void StartServer()
    {
        _factory = RatusApiFactory.WithFakeTime(out _time, engine);
        _client = _factory.CreateRawClient();
    }

    [OneTimeTearDown]
    public async Task StopServer()
    {
        _client?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
    }

    [Test]
    public async Task Tasks_FollowStateChanges()
    {
        var topic = Wire.Unique("gauges");
        for (var i = 0; i < 3; i++)
        {
            using var push = await _client.SendAsync("POST", $"/v1/topics/{topic}/tasks/{Wire.Unique("t")}", "{}");
            Assert.That(push.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        }

        _time.Advance(TimeSpan.FromSeconds(30));
        await AssertStatesAsync(topic, pending: 3, due: 3, active: 0, completed: 0);
        Assert.That((await ScrapeAsync()).Value("ratus_oldest_due_task_age_seconds", ("topic", topic)), Is.EqualTo(30).Within(0.01));

        using var promise = await _client.SendAsync("POST", $"/v1/topics/{topic}/promises?consumer=c", "{}");
        var claimed = await promise.JsonAsync();
        await AssertStatesAsync(topic, pending: 2, due: 2, active: 1, completed: 0);

        using (await _client.SendAsync("PATCH", $"/v1/topics/{topic}/tasks/{claimed.Str("_id")}", $$"""{"nonce":"{{claimed.Str("nonce")}}"}"""))
        {
        }

        await AssertStatesAsync(topic, pending: 2, due: 2, active: 0, completed: 1);

        // Scheduled in the future: pending, not due.
        using (await _client.SendAsync("POST", $"/v1/topics/{topic}/tasks/{Wire.Unique("later")}", """{"defer":"1h"}"""))
        {
        }

        await AssertStatesAsync(topic, pending: 3, due: 2, active: 0, completed: 1);
        Assert.That((await ScrapeAsync()).Value("ratus_tasks", ("topic", topic), ("state", "archived")), Is.Zero);
    }

    [Test]
    public async Task OldestDueAge_IsZeroWithoutDueTasks()
    {
        var topic = Wire.Unique("future");
        using (await _client.SendAsync("POST", $"/v1/topics/{topic}/tasks/{Wire.Unique("t")}", """{"defer":"1h"}"""))
        {
        }

        var metrics = await ScrapeAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(metrics.Value("ratus_oldest_due_task_age_seconds", ("topic", topic)), Is.Zero);
            Assert.That(metrics.Value("ratus_tasks", ("topic", topic), ("state", "due")), Is.Zero);
        }
    }

    [Test]
    public async Task Recovery_CountsExpiredClaimsAsRecovered()
    {
        var topic = Wire.Unique("recovery");
        for (var i = 0; i < 2; i++)
        {
            using var push = await _client.SendAsync("POST", $"/v1/topics/{topic}/tasks/{Wire.Unique("t")}", "{}");
            using var claim = await _client.SendAsync("POST", $"/v1/topics/{topic}/promises", """{"timeout":"1s"}""");
            Assert.That(claim.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        _time.Advance(TimeSpan.FromSeconds(2));
        var recovered = await _factory.Services.GetRequiredService<ITaskRepository>().RecoverExpiredAsync(CancellationToken.None);

        var metrics = await ScrapeAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(recovered, Is.EqualTo(2));
            Assert.That(metrics.Value("ratus_promises_recovered_total", ("topic", topic)), Is.EqualTo(2));
            Assert.That(metrics.Value("ratus_tasks", ("topic", topic), ("state", "pending")), Is.EqualTo(2));
        }
    }

    [Test]
    public async Task StaleNonceCommit_CountsAsRejected()
    {
        var topic = Wire.Unique("rejected");
        var id = Wire.Unique("t");
        using (await _client.SendAsync("POST", $"/v1/topics/{topic}/tasks/{id}", "{}"))
        {
        }

        using (await _client.SendAsync("POST", $"/v1/topics/{topic}/promises", "{}"))
        {
        }

        using (var stale = await _client.SendAsync("PATCH", $"/v1/topics/{topic}/tasks/{id}", """{"nonce":"stale"}"""))
        {
            Assert.That(stale.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        }

        var metrics = await ScrapeAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(metrics.Value("ratus_commits_rejected_total", ("topic", topic)), Is.EqualTo(1));
            Assert.That(metrics.Value("ratus_request_duration_seconds_count",
                ("topic", topic), ("method", "PATCH"), ("status_code", "409")), Is.EqualTo(1));
            Assert.That(metrics.Where("ratus_task_committed_count_total", ("topic", topic)), Is.Empty);
        }
    }

    // Every ratus_* name the Grafana dashboard queries is one the server exports, after a cycle with a recovery, a
    // rejected commit and a chore run, so that every series has a sample.
    [Test]
    public async Task Dashboard_QueriesOnlySeriesTheServerExports()
    {
        var topic = Wire.Unique("dashboard");
        var id = Wire.Unique("t");
        using (await _client.SendAsync("POST", $"/v1/topics/{topic}/tasks/{id}", "{}"))
        {
        }

        using (await _client.SendAsync("POST", $"/v1/topics/{topic}/promises", """{"timeout":"1s"}"""))
        {
        }

        _time.Advance(TimeSpan.FromSeconds(2));
        using var promise = await _client.SendAsync("POST", $"/v1/topics/{topic}/promises", "{}");
        var claimed = await promise.JsonAsync();
        using (await _client.SendAsync("PATCH", $"/v1/topics/{topic}/tasks/{id}", """{"nonce":"stale"}"""))
        {
        }

        using (await _client.SendAsync("PATCH", $"/v1/topics/{topic}/tasks/{id}", $$"""{"nonce":"{{claimed.Str("nonce")}}"}"""))
        {
        }

        // The chore is off in tests; record one run as ChoreService does.
        _factory.Services.GetRequiredService<RatusMetrics>().RecordChore(TimeSpan.FromMilliseconds(42));
        var exported = (await ScrapeAsync()).Samples.Select(s => s.Name).ToHashSet();
        using var dashboard = JsonDocument.Parse(
            await File.ReadAllTextAsync(Path.Combine(DeploymentFiles.DeploymentsDirectory, "grafana", "dashboards", "ratus.json")));
        var queried = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .SelectMany(t => RatusName().Matches(t.GetProperty("expr").GetString()!).Select(m => m.Value))
            .Distinct()
            .ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(queried, Has.Count.GreaterThanOrEqualTo(11));
            Assert.That(queried.Where(n => !exported.Contains(n)), Is.Empty);
        }
    }

    [GeneratedRegex("ratus_[a-z_]+")]
    private static partial Regex RatusName();

    private Task<Exposition> ScrapeAsync() => Exposition.ScrapeAsync(_factory, _client);

    private async Task AssertStatesAsync(string topic, long pending, long due, long active, long completed)
    {
        var metrics = await ScrapeAsync();
        var states = new[] { "pending", "due", "active", "completed" }
            .ToDictionary(s => s, s => metrics.Value("ratus_tasks", ("topic", topic), ("state", s)));
        Assert.That(states, Is.EqualTo(new Dictionary<string, double?>
        {
            ["pending"] = pending, ["due"] = due, ["active"] = active, ["completed"] = completed,
        }));
    }
}
