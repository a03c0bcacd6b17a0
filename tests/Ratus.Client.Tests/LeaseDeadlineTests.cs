using System.Globalization;
using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace Ratus.Client.Tests;

/// The lease's token fires a safety margin before the deadline, min(5 s, 10 % of the lease time), so that the handler
/// can still commit while the promise holds.
public sealed class LeaseDeadlineTests
{
    [TestCase(30, 27)] // 10 % of 30 s is 3 s
    [TestCase(1, 0.9)] // 10 % of 1 s is 100 ms
    [TestCase(600, 595)] // 10 % of 10 min is more than 5 s: 5 s
    [TestCase(50, 45)] // both rules give 5 s
    public async Task TheTokenFiresTheMarginBeforeTheDeadline(double leaseSeconds, double firesAfterSeconds)
    {
        // The server's clock is far from the fake one: only deadline − consumed matters.
        var consumed = new DateTimeOffset(2001, 2, 3, 4, 5, 6, TimeSpan.Zero);
        var deadline = consumed + TimeSpan.FromSeconds(leaseSeconds);
        using var stub = new Stub(() => Stub.Json(HttpStatusCode.OK, Claimed(consumed, deadline)));
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (client, provider) = Clients.Create(() => stub, time: time);
        await using var _ = provider;
        await using var lease = (await client.PollAsync("lease"))!;

        time.Advance(TimeSpan.FromSeconds(firesAfterSeconds) - TimeSpan.FromTicks(1));
        Assert.That(lease.CancellationToken.IsCancellationRequested, Is.False, "one tick before deadline − margin");
        time.Advance(TimeSpan.FromTicks(1));
        Assert.That(lease.CancellationToken.IsCancellationRequested, Is.True, "at deadline − margin");
        Assert.That(lease.IsCommitted, Is.False, "the token does not commit");
    }

    [Test]
    public async Task AgainstTheServerA30SecondPromiseFiresAfter27Seconds()
    {
        await using var server = new RatusServer();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (client, provider) = Clients.Create(() => server.Server.CreateHandler(), time: time);
        await using var _ = provider;
        await client.InsertTaskAsync(new RatusTask { Id = "lease-1", Topic = "lease", Scheduled = DateTimeOffset.UtcNow.AddSeconds(-1) });
        // The server's clock is real and far from the fake one: only the relative deadline matters.
        await using var lease = (await client.PollAsync("lease", new Promise { Timeout = TimeSpan.FromSeconds(30) }))!;
        // The server takes its two timestamps apart: deadline − consumed is 30 s give or take a little.
        var leaseTime = lease.Task.Deadline!.Value - lease.Task.Consumed!.Value;
        Assert.That(leaseTime, Is.EqualTo(TimeSpan.FromSeconds(30)).Within(TimeSpan.FromMilliseconds(100)));
        var firesAfter = leaseTime - TimeSpan.FromTicks(leaseTime.Ticks / 10);
        time.Advance(firesAfter - TimeSpan.FromTicks(1));
        Assert.That(lease.CancellationToken.IsCancellationRequested, Is.False);
        time.Advance(TimeSpan.FromTicks(1));
        Assert.That(lease.CancellationToken.IsCancellationRequested, Is.True);
        Assert.That(await lease.CommitAsync(), Has.Property(nameof(RatusTask.State)).EqualTo(TaskState.Completed), "the margin leaves time to commit");
    }

    [Test]
    public async Task AnExpiredLeaseIsCancelledAtOnce()
    {
        var consumed = new DateTimeOffset(2001, 2, 3, 4, 5, 6, TimeSpan.Zero);
        using var stub = new Stub(() => Stub.Json(HttpStatusCode.OK, Claimed(consumed, consumed)));
        var (client, provider) = Clients.Create(() => stub, time: new FakeTimeProvider());
        await using var _ = provider;
        await using var lease = (await client.PollAsync("lease"))!;
        Assert.That(lease.CancellationToken.IsCancellationRequested, Is.True);
    }

    private static string Claimed(DateTimeOffset consumed, DateTimeOffset deadline) => string.Create(CultureInfo.InvariantCulture,
        $$"""{"_id":"l-1","topic":"lease","state":1,"nonce":"n","consumed":"{{consumed:O}}","deadline":"{{deadline:O}}"}""");
}
