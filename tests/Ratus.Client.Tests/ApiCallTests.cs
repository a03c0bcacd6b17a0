using System.Text.Json;

namespace Ratus.Client.Tests;

/// docs/protocol.md §7.4 (every method once) and the wire details of every call, against the real server in-process.
public sealed class ApiCallTests
{
    private RatusServer _server = null!;
    private FaultyHandler _recorder = null!;
    private IRatusClient _client = null!;
    private IAsyncDisposable _provider = null!;

    [OneTimeSetUp]
    public void Start()
    {
        _server = new RatusServer();
        _recorder = new FaultyHandler();
        (_client, var provider) = Clients.Create(() => _server.Server.CreateHandler(), inner: _recorder);
        _provider = provider;
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _provider.DisposeAsync();
        await _server.DisposeAsync();
        _recorder.Dispose();
    }

    private static RatusTask Due(string id, string topic, object? payload = null) => new()
    {
        Id = id,
        Topic = topic,
        Producer = "tests",
        Scheduled = DateTimeOffset.UtcNow.AddSeconds(-1),
        Payload = payload is null ? null : RatusPayload.From(payload),
    };

    [Test]
    public async Task EveryMethodRoundTrips()
    {
        var c = _client;
        await c.GetLivenessAsync();
        await c.GetReadinessAsync();

        Assert.That((await c.InsertTasksAsync([Due("rt-1", "rt"), Due("rt-2", "rt"), Due("rt-3", "rt")])).Created, Is.EqualTo(3));
        Assert.That((await c.UpsertTasksAsync([Due("rt-1", "rt"), Due("rt-4", "rt")])) is { Created: 1, Updated: 1 });
        Assert.That((await c.InsertTaskAsync(Due("rt-5", "rt", new { n = 1 }))).Created, Is.EqualTo(1));
        Assert.That((await c.UpsertTaskAsync(Due("rt-5", "rt", new { n = 2 }))).Updated, Is.EqualTo(1));
        Assert.That((await c.GetTaskAsync("rt-5")).GetPayload<JsonElement>().GetProperty("n").GetInt32(), Is.EqualTo(2));

        Assert.That((await c.ListTopicsAsync(100)).Select(t => t.Name), Does.Contain("rt"));
        Assert.That((await c.GetTopicAsync("rt")).Count, Is.EqualTo(5));
        Assert.That((await c.ListTasksAsync("rt")).Select(t => t.Id), Is.EqualTo(new[] { "rt-1", "rt-2", "rt-3", "rt-4", "rt-5" }));
        Assert.That((await c.ListTasksAsync("rt", limit: 2, offset: 1)).Select(t => t.Id), Is.EqualTo(new[] { "rt-2", "rt-3" }));

        var polled = await c.PostPromisesAsync("rt", new Promise { Consumer = "me", Timeout = TimeSpan.FromSeconds(30) });
        Assert.That(polled, Has.Property(nameof(RatusTask.Topic)).EqualTo("rt").And.Property(nameof(RatusTask.State)).EqualTo(TaskState.Active));
        Assert.That(polled.Nonce, Has.Length.EqualTo(16));
        Assert.That(polled.Deadline!.Value - polled.Consumed!.Value, Is.EqualTo(TimeSpan.FromSeconds(30)).Within(TimeSpan.FromSeconds(1)));
        Assert.That((await c.GetPromiseAsync(polled.Id)).Consumer, Is.EqualTo("me"));
        Assert.That((await c.ListPromisesAsync("rt")).Select(p => p.Id), Is.EqualTo(new[] { polled.Id }));
        Assert.That((await c.InsertPromiseAsync(new Promise { Id = "rt-4" })).State, Is.EqualTo(TaskState.Active));
        Assert.That((await c.UpsertPromiseAsync(new Promise { Id = "rt-4", Deadline = DateTimeOffset.UtcNow.AddMinutes(1) })).State, Is.EqualTo(TaskState.Active));
        Assert.That((await c.DeletePromiseAsync("rt-4")).Deleted, Is.EqualTo(1));
        Assert.That((await c.DeletePromisesAsync("rt")).Deleted, Is.EqualTo(1));

        var patched = await c.PatchTaskAsync("rt-2", new Commit { State = TaskState.Archived, Payload = RatusPayload.From("done") });
        Assert.That(patched is { Id: "rt-2", State: TaskState.Archived, Nonce: "" });
        Assert.That(patched.GetPayload<string>(), Is.EqualTo("done"));

        Assert.That((await c.DeleteTaskAsync("rt-1")).Deleted, Is.EqualTo(1));
        Assert.That((await c.DeleteTasksAsync("rt")).Deleted, Is.EqualTo(4));
        await c.InsertTaskAsync(Due("rt-6", "rt"));
        Assert.That((await c.DeleteTopicAsync("rt")).Deleted, Is.EqualTo(1));
        await c.InsertTaskAsync(Due("rt-7", "rt-other"));
        Assert.That((await c.DeleteTopicsAsync()).Deleted, Is.GreaterThan(0));
    }

    [Test]
    public async Task ErrorsCarryStatusAndServerMessage()
    {
        await _client.InsertTaskAsync(Due("err-1", "err"));
        var conflict = Assert.ThrowsAsync<RatusConflictException>(() => _client.InsertTaskAsync(Due("err-1", "err")));
        Assert.That(conflict!.StatusCode, Is.EqualTo(409));
        Assert.That(conflict.Message, Is.EqualTo("conflict: a task with the same ID already exists"));
        Assert.That(Assert.ThrowsAsync<RatusNotFoundException>(() => _client.GetTaskAsync("err-missing"))!.Message, Is.EqualTo("not found"));
        Assert.That(Assert.ThrowsAsync<RatusNotFoundException>(() => _client.GetTopicAsync("err-missing"))!.StatusCode, Is.EqualTo(404));
        var bad = Assert.ThrowsAsync<RatusBadRequestException>(() => _client.ListTasksAsync("err", limit: -1));
        Assert.That(bad!.Message, Does.Contain("limit must not be negative"));
        Assert.ThrowsAsync<RatusBadRequestException>(() => _client.PatchTaskAsync("err-1", new Commit { State = (TaskState)7 }));
    }

    [Test]
    public async Task SlashesAndTheEmptyTopicSegmentReachTheServerIntact()
    {
        _recorder.Requests.Clear();
        await _client.InsertTaskAsync(Due("example.com/0", "sp/slash"));
        await _client.InsertTasksAsync([Due("example.com/1", "sp/slash")]);
        // The server stored the decoded ID, and lists it under the decoded topic.
        Assert.That((await _client.ListTasksAsync("sp/slash")).Select(t => t.Id), Is.EqualTo(new[] { "example.com/0", "example.com/1" }));
        Assert.That((await _client.GetTaskAsync("example.com/0")).Topic, Is.EqualTo("sp/slash"));
        var lease = await _client.PollAsync("sp/slash");
        Assert.That(lease!.Task.Id, Is.EqualTo("example.com/0"));
        await lease.CommitAsync();
        Assert.That(_recorder.Requests, Is.EqualTo(new[]
        {
            "POST /v1/topics//tasks/example.com%2F0",
            "POST /v1/topics//tasks",
            "GET /v1/topics/sp%2Fslash/tasks",
            "GET /v1/topics//tasks/example.com%2F0",
            "POST /v1/topics/sp%2Fslash/promises",
            "PATCH /v1/topics//tasks/example.com%2F0",
        }));
    }

    [Test]
    public async Task TraceParentRoundTrips_AndTheLeaseExposesTheProducerContext()
    {
        const string traceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        await _client.InsertTaskAsync(Due("tp-1", "tp") with { TraceParent = traceParent });
        await _client.InsertTaskAsync(Due("tp-2", "tp-none"));

        await using var lease = await _client.PollAsync("tp");
        await using var none = await _client.PollAsync("tp-none");

        Assert.That(lease!.Task.TraceParent, Is.EqualTo(traceParent));
        Assert.That(lease.ProducerContext?.TraceId.ToHexString(), Is.EqualTo("0af7651916cd43dd8448eb211c80319c"));
        Assert.That(lease.ProducerContext?.SpanId.ToHexString(), Is.EqualTo("b7ad6b7169203331"));
        Assert.That(none!.Task.TraceParent, Is.Null, "no tracing on the server, no traceparent sent: none stored");
        Assert.That(none.ProducerContext, Is.Null);
    }

    [Test]
    public async Task PollThenCommitCompletesTheTask()
    {
        await _client.InsertTaskAsync(Due("pc-1", "pc", new { name = "world" }));
        await using var lease = await _client.PollAsync("pc", new Promise { Timeout = TimeSpan.FromSeconds(30) });
        Assert.That(lease, Is.Not.Null);
        Assert.That(lease!.Task.GetPayload<Hello>()!.Name, Is.EqualTo("world"));
        Assert.That(lease.Commit, Is.EqualTo(new Commit { Nonce = lease.Task.Nonce, State = TaskState.Completed }));
        var committed = await lease.CommitAsync();
        Assert.That(committed is { State: TaskState.Completed, Nonce: "" });
        Assert.That(await _client.PollAsync("pc"), Is.Null, "nothing due: null, not an exception");
    }

    [Test]
    public async Task CommitIsIdempotentAndCancelsTheLeaseToken()
    {
        await _client.InsertTaskAsync(Due("ci-1", "ci"));
        await using var lease = await _client.PollAsync("ci");
        int before = _recorder.Count(HttpMethod.Patch);
        var first = await lease!.CommitAsync();
        var second = await lease.CommitAsync();
        Assert.That(second, Is.SameAs(first));
        Assert.That(_recorder.Count(HttpMethod.Patch) - before, Is.EqualTo(1));
        Assert.That(lease.IsCommitted, Is.True);
        Assert.That(lease.CancellationToken.IsCancellationRequested, Is.True);
    }

    [Test]
    public async Task CommitBuilderMatchesTheGoContext()
    {
        await _client.InsertTasksAsync([Due("cb-1", "cb"), Due("cb-2", "cb"), Due("cb-3", "cb"), Due("cb-4", "cb")]);

        var retry = (await _client.PollAsync("cb"))!;
        var retried = await retry.Retry(TimeSpan.FromMinutes(5)).SetPayload(new { attempt = 2 }).CommitAsync();
        Assert.That(retried.State, Is.EqualTo(TaskState.Pending));
        Assert.That(retried.Scheduled, Is.GreaterThan(DateTimeOffset.UtcNow.AddMinutes(4)));
        Assert.That(retried.Payload!.Value.GetProperty("attempt").GetInt32(), Is.EqualTo(2));

        var moved = (await _client.PollAsync("cb"))!;
        var at = new DateTimeOffset(2040, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.That(await moved.SetTopic("cb-revisit").Reschedule(at).CommitAsync(),
            Has.Property(nameof(RatusTask.Topic)).EqualTo("cb-revisit").And.Property(nameof(RatusTask.Scheduled)).EqualTo(at));

        var archived = (await _client.PollAsync("cb"))!;
        Assert.That((await archived.Archive().CommitAsync()).State, Is.EqualTo(TaskState.Archived));

        // A stale nonce fails with 409; Force() commits anyway; Reset() restores the default commit.
        var stale = (await _client.PollAsync("cb"))!;
        await _client.UpsertPromiseAsync(new Promise { Id = stale.Task.Id });
        Assert.ThrowsAsync<RatusConflictException>(() => stale.SetNonce(stale.Task.Nonce).CommitAsync());
        Assert.That(stale.IsCommitted, Is.False);
        Assert.That(stale.Abstain().Reset().Commit, Is.EqualTo(new Commit { Nonce = stale.Task.Nonce, State = TaskState.Completed }));
        Assert.That((await stale.Force().SetState(TaskState.Completed).CommitAsync()).State, Is.EqualTo(TaskState.Completed));

        await _client.InsertTaskAsync(Due("cb-5", "cb"));
        var abandoned = (await _client.PollAsync("cb"))!;
        Assert.That((await abandoned.AbandonAsync()).State, Is.EqualTo(TaskState.Pending));
    }

    [Test]
    public async Task DeferAndTimeoutTravelAsGoDurations()
    {
        // The in-process server's clock is this one: the insert's "now" lies between the two readings, however long it took.
        var before = DateTimeOffset.UtcNow;
        await _client.InsertTaskAsync(new RatusTask { Id = "gd-1", Topic = "gd", Defer = TimeSpan.FromMinutes(90) });
        var after = DateTimeOffset.UtcNow;
        var task = await _client.GetTaskAsync("gd-1");
        Assert.That(task.Scheduled!.Value, Is.InRange(before.AddMinutes(90).AddMilliseconds(-1), after.AddMinutes(90)));
        Assert.That(task.Defer, Is.Null, "defer is never returned");
        var claimed = await _client.InsertPromiseAsync(new Promise { Id = "gd-1", Timeout = TimeSpan.FromMilliseconds(1500) });
        Assert.That(claimed.Deadline!.Value - claimed.Consumed!.Value, Is.EqualTo(TimeSpan.FromMilliseconds(1500)).Within(TimeSpan.FromMilliseconds(50)));
    }

    private sealed record Hello(string Name);
}
