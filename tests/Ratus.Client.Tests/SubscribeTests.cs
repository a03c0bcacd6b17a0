using System.Collections.Concurrent;
using System.Net;
using Ratus.Infrastructure.Tests.Support;

namespace Ratus.Client.Tests;

/// The original's Subscribe tests (docs/protocol.md §7.4: timing, drain, error, cancel) and the lease deadline, against the
/// real server (or a stub where the original uses one).
/// Every wait of a subscription is on a fake clock that the test moves only while the loop is waiting on it: the original's
/// "cancelled after 150 ms" becomes "moved 150 ms", and what ran by then does not depend on how busy the machine is.
public sealed class SubscribeTests
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    private RatusServer _server = null!;
    private IRatusClient _client = null!;
    private IAsyncDisposable _provider = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _server = new RatusServer();
        (_client, var provider) = Clients.Create(() => _server.Server.CreateHandler());
        _provider = provider;
        await _client.GetReadinessAsync();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _provider.DisposeAsync();
        await _server.DisposeAsync();
    }

    private async Task Seed(string topic, int count)
    {
        var due = DateTimeOffset.UtcNow.AddSeconds(-1);
        await _client.InsertTasksAsync(Enumerable.Range(0, count).Select(i => new RatusTask { Id = $"{topic}/{i:D3}", Topic = topic, Scheduled = due }));
    }

    private static readonly TimeSpan Ms50 = TimeSpan.FromMilliseconds(50);

    private static readonly TimeSpan Ms100 = TimeSpan.FromMilliseconds(100);

    [Test]
    public async Task PollIntervalSpacesTheHandlerCalls()
    {
        // #19: PollInterval 100 ms, cancelled after 150 ms: the handler (which commits itself) runs exactly twice.
        await Seed("timing", 5);
        var time = new WatchedTimeProvider();
        int calls = 0;
        using var cts = new CancellationTokenSource();
        var subscription = _client.SubscribeAsync("timing", async (lease, ct) =>
        {
            Interlocked.Increment(ref calls);
            await lease.CommitAsync(ct);
        }, new SubscribeOptions { Timeout = TimeSpan.FromSeconds(30), PollInterval = Ms100, TimeProvider = time }, cts.Token);

        await time.WaitForTimerAsync(Ms100);
        Assert.That(Volatile.Read(ref calls), Is.EqualTo(1), "at 0 ms");
        time.Advance(Ms100);
        await time.WaitForTimerAsync(Ms100);
        Assert.That(Volatile.Read(ref calls), Is.EqualTo(2), "at 100 ms");
        time.Advance(Ms50);
        await cts.CancelAsync();
        await subscription.WaitAsync(WaitLimit);

        Assert.That(calls, Is.EqualTo(2));
        Assert.That((await _client.ListTasksAsync("timing")).Count(t => t.State == TaskState.Completed), Is.EqualTo(2));
    }

    [Test]
    public async Task ADrainedTopicNeverCallsTheHandler()
    {
        // #21: the server always answers 404; DrainInterval 100 ms, cancelled after 150 ms.
        using var stub = Stub.Error(HttpStatusCode.NotFound, "not found");
        var (client, provider) = Clients.Create(() => stub);
        await using var _ = provider;
        var time = new WatchedTimeProvider();
        int calls = 0, errors = 0;
        using var cts = new CancellationTokenSource();
        var subscription = client.SubscribeAsync("drain", (_, _) => { calls++; return ValueTask.CompletedTask; },
            new SubscribeOptions { DrainInterval = Ms100, OnError = (_, _) => { errors++; return ValueTask.CompletedTask; }, TimeProvider = time }, cts.Token);

        await time.WaitForTimerAsync(Ms100);
        Assert.That(stub.Calls, Is.EqualTo(1), "at 0 ms");
        time.Advance(Ms100);
        await time.WaitForTimerAsync(Ms100);
        Assert.That(stub.Calls, Is.EqualTo(2), "at 100 ms");
        time.Advance(Ms50);
        await cts.CancelAsync();
        await subscription.WaitAsync(WaitLimit);

        Assert.That((calls, errors, stub.Calls), Is.EqualTo((0, 0, 2)));
    }

    [Test]
    public async Task ErrorsAreReportedEveryErrorInterval()
    {
        // #22: the server answers 500; ErrorInterval 100 ms, cancelled after 150 ms: two errors, no handler call.
        using var stub = Stub.Error(HttpStatusCode.InternalServerError, "boom");
        var (client, provider) = Clients.Create(() => stub);
        await using var _ = provider;
        var time = new WatchedTimeProvider();
        var errors = new ConcurrentQueue<Exception>();
        int calls = 0;
        using var cts = new CancellationTokenSource();
        var subscription = client.SubscribeAsync("error", (_, _) => { calls++; return ValueTask.CompletedTask; },
            new SubscribeOptions { ErrorInterval = Ms100, OnError = (e, _) => { errors.Enqueue(e); return ValueTask.CompletedTask; }, TimeProvider = time }, cts.Token);

        await time.WaitForTimerAsync(Ms100);
        Assert.That(errors, Has.Count.EqualTo(1), "at 0 ms");
        time.Advance(Ms100);
        await time.WaitForTimerAsync(Ms100);
        Assert.That(errors, Has.Count.EqualTo(2), "at 100 ms");
        time.Advance(Ms50);
        await cts.CancelAsync();
        await subscription.WaitAsync(WaitLimit);

        Assert.That(calls, Is.Zero);
        Assert.That(errors, Has.Count.EqualTo(2).And.All.InstanceOf<RatusException>().With.Property(nameof(RatusException.StatusCode)).EqualTo(500));
        Assert.That(stub.Calls, Is.EqualTo(2), "polls are not retried");
    }

    [Test]
    public async Task CancellingFromTheHandlerStopsAfterItsTaskIsCommitted()
    {
        // #23: the handler cancels on its first call; it runs once, its task is committed, and the call returns normally.
        await Seed("cancel", 3);
        int calls = 0;
        using var cts = new CancellationTokenSource();
        await _client.SubscribeAsync("cancel", (_, _) =>
        {
            calls++;
            cts.Cancel();
            return ValueTask.CompletedTask;
        }, null, cts.Token);
        Assert.That(calls, Is.EqualTo(1));
        Assert.That((await _client.ListTasksAsync("cancel")).Select(t => t.State), Is.EqualTo(new[] { TaskState.Completed, TaskState.Pending, TaskState.Pending }));
    }

    [Test]
    public async Task AnInFlightHandlerFinishesAndIsCommittedOnShutdown()
    {
        await Seed("inflight", 1);
        using var cts = new CancellationTokenSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool handlerTokenCancelled = true;
        var subscription = _client.SubscribeAsync("inflight", async (_, ct) =>
        {
            started.SetResult();
            await release.Task;
            handlerTokenCancelled = ct.IsCancellationRequested;
        }, null, cts.Token);
        await started.Task.WaitAsync(WaitLimit);
        await cts.CancelAsync();
        Assert.That(subscription.IsCompleted, Is.False, "waits for the running handler");
        release.SetResult();
        await subscription.WaitAsync(WaitLimit);
        Assert.That(handlerTokenCancelled, Is.False, "the handler's token is the lease's, not the subscription's");
        Assert.That((await _client.GetTaskAsync("inflight/000")).State, Is.EqualTo(TaskState.Completed));
    }

    [Test]
    public async Task AHandlerThatThrowsIsReportedAndItsTaskIsNotCommitted()
    {
        await Seed("throws", 1);
        using var cts = new CancellationTokenSource();
        Exception? reported = null;
        await _client.SubscribeAsync("throws", (_, _) => throw new InvalidOperationException("handler bug"),
            new SubscribeOptions { OnError = (e, _) => { reported = e; cts.Cancel(); return ValueTask.CompletedTask; } }, cts.Token);
        Assert.That(reported, Is.InstanceOf<InvalidOperationException>());
        Assert.That((await _client.GetTaskAsync("throws/000")).State, Is.EqualTo(TaskState.Active), "left to its deadline");
    }

    [Test]
    public async Task ThreeWorkersDrainThirtyTasksEachExactlyOnce()
    {
        await Seed("drain30", 30);
        var time = new WatchedTimeProvider();
        var seen = new ConcurrentDictionary<string, int>();
        int inFlight = 0, maxInFlight = 0;
        var threeHold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cts = new CancellationTokenSource();
        var subscription = _client.SubscribeAsync("drain30", async (lease, _) =>
        {
            int now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref maxInFlight, now);
            if (now == 3)
            {
                threeHold.TrySetResult();
            }

            // The first leases are held until every worker holds one, so the workers overlap however they are scheduled.
            await threeHold.Task;
            Interlocked.Decrement(ref inFlight);
            if (seen.AddOrUpdate(lease.Task.Id, 1, (_, n) => n + 1) == 1 && seen.Count == 30)
            {
                all.TrySetResult();
            }
        }, new SubscribeOptions
        {
            Concurrency = 3,
            ConcurrencyDelay = TimeSpan.FromMilliseconds(10),
            DrainInterval = TimeSpan.FromMilliseconds(20),
            TimeProvider = time,
        }, cts.Token);

        // Worker i makes its first poll i × ConcurrencyDelay after the start: at 0 ms only worker 0 holds a lease.
        await time.WaitForTimerAsync(TimeSpan.FromMilliseconds(10));
        await time.WaitForTimerAsync(TimeSpan.FromMilliseconds(20));
        await WaitFor(() => Volatile.Read(ref inFlight) == 1);
        time.Advance(TimeSpan.FromMilliseconds(10));
        await WaitFor(() => Volatile.Read(ref inFlight) == 2);
        Assert.That(time.Timers, Does.Contain(time.GetUtcNow() + TimeSpan.FromMilliseconds(10)), "worker 2 still waits its turn");
        time.Advance(TimeSpan.FromMilliseconds(10));
        await all.Task.WaitAsync(WaitLimit);
        await cts.CancelAsync();
        await subscription.WaitAsync(WaitLimit);
        Assert.That(seen, Has.Count.EqualTo(30));
        Assert.That(seen.Values, Is.All.EqualTo(1));
        Assert.That((await _client.ListTasksAsync("drain30", limit: 100)).Select(t => t.State), Is.EqualTo(Enumerable.Repeat(TaskState.Completed, 30)));
        Assert.That(maxInFlight, Is.EqualTo(3), "the three workers overlapped, and never more than three");
    }

    [Test]
    public async Task TheEnumerableYieldsLeasesAndEndsQuietlyOnCancellation()
    {
        await Seed("enum", 3);
        var ids = new List<string>();
        using var cts = new CancellationTokenSource();
        await foreach (var lease in _client.SubscribeAsync("enum", new SubscribeOptions { Consumer = "enumerator" }, cts.Token))
        {
            await using (lease)
            {
                Assert.That(lease.Task.Consumer, Is.EqualTo("enumerator"));
                ids.Add(lease.Task.Id);
                await lease.CommitAsync();
                if (ids.Count == 2)
                {
                    await cts.CancelAsync();
                }
            }
        }

        Assert.That(ids, Is.EqualTo(new[] { "enum/000", "enum/001" }));
        Assert.That((await _client.GetTaskAsync("enum/002")).State, Is.EqualTo(TaskState.Pending));
    }

    [Test]
    public async Task SubscribeDelaysUseTheTimeProvider()
    {
        // Nothing due: every wait is a DrainInterval on the fake clock; the loop polls only when the clock is advanced.
        using var stub = Stub.Error(HttpStatusCode.NotFound, "not found");
        var (client, provider) = Clients.Create(() => stub);
        await using var _ = provider;
        var time = new WatchedTimeProvider();
        using var cts = new CancellationTokenSource();
        var subscription = client.SubscribeAsync("fake", (_, _) => ValueTask.CompletedTask, new SubscribeOptions { TimeProvider = time }, cts.Token);
        await time.WaitForTimerAsync(TimeSpan.FromSeconds(5));
        Assert.That(stub.Calls, Is.EqualTo(1));
        time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.That(time.Timers, Is.EqualTo(new[] { time.GetUtcNow() + TimeSpan.FromSeconds(0.1) }), "still waiting");
        Assert.That(stub.Calls, Is.EqualTo(1));
        time.Advance(TimeSpan.FromSeconds(0.1));
        await time.WaitForTimerAsync(TimeSpan.FromSeconds(5));
        Assert.That(stub.Calls, Is.EqualTo(2));
        await cts.CancelAsync();
        await subscription.WaitAsync(WaitLimit);
        Assert.That(time.Timers, Is.Empty, "the cancelled wait released its timer");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        var limit = Task.Delay(WaitLimit);
        while (!condition() && !limit.IsCompleted)
        {
            await Task.Delay(10);
        }

        Assert.That(condition(), Is.True, $"not met within {WaitLimit.TotalSeconds} s");
    }
}
