using System.Text.Json;
using Ratus.Client.Internal;

namespace Ratus.Client.Tests;

/// The JSON the client sends and reads, and Go's duration format.
public sealed class WireFormatTests
{
    [TestCase(0L, "0s")]
    [TestCase(30L * TimeSpan.TicksPerSecond, "30s")]
    [TestCase(90L * TimeSpan.TicksPerMinute, "1h30m0s")]
    [TestCase(10L * TimeSpan.TicksPerMinute, "10m0s")]
    [TestCase(15L * TimeSpan.TicksPerMillisecond, "15ms")]
    [TestCase(1500L * TimeSpan.TicksPerMillisecond, "1.5s")]
    [TestCase(1L, "100ns")]
    [TestCase(-5L * TimeSpan.TicksPerSecond, "-5s")]
    [TestCase(26L * TimeSpan.TicksPerHour + 3L * TimeSpan.TicksPerSecond, "26h0m3s")]
    public void DurationsAreFormattedAsGoDoes(long ticks, string expected)
    {
        Assert.That(GoDuration.Format(TimeSpan.FromTicks(ticks)), Is.EqualTo(expected));
        Assert.That(GoDuration.TryParse(expected, out var back), Is.True);
        Assert.That(back, Is.EqualTo(TimeSpan.FromTicks(ticks)));
    }

    [TestCase("1h30m10.5s", 5410.5)]
    [TestCase(".5s", 0.5)]
    [TestCase("100us", 0.0001)]
    [TestCase("100µs", 0.0001)]
    public void GoDurationsParse(string text, double seconds)
    {
        Assert.That(GoDuration.TryParse(text, out var value), Is.True);
        Assert.That(value, Is.EqualTo(TimeSpan.FromSeconds(seconds)));
    }

    [TestCase("")]
    [TestCase("10")]
    [TestCase("1d")]
    [TestCase("foo")]
    public void InvalidGoDurationsDoNotParse(string text) => Assert.That(GoDuration.TryParse(text, out _), Is.False);

    [Test]
    public void ATaskSerialisesWithTheWireNamesAndOmitsNulls()
    {
        var json = JsonSerializer.Serialize(new RatusTask { Id = "a", Topic = "t", State = TaskState.Archived, Defer = TimeSpan.FromMinutes(90) },
            RatusJsonContext.Default.RatusTask);
        Assert.That(json, Is.EqualTo("""{"_id":"a","topic":"t","state":3,"nonce":"","defer":"1h30m0s"}"""));
        Assert.That(JsonSerializer.Serialize(new Commit(), RatusJsonContext.Default.Commit), Is.EqualTo("{}"));
        Assert.That(JsonSerializer.Serialize(new Promise { Timeout = TimeSpan.FromSeconds(30) }, RatusJsonContext.Default.Promise), Is.EqualTo("""{"timeout":"30s"}"""));
    }

    [Test]
    public void GoTimestampsWithNineFractionDigitsAreRead()
    {
        var task = JsonSerializer.Deserialize("""{"_id":"a","topic":"t","state":1,"nonce":"n","consumed":"2026-11-28T11:37:26.961712345Z","deadline":"2021-01-01T00:00:00+08:00"}""",
            RatusJsonContext.Default.RatusTask)!;
        Assert.That(task.Consumed!.Value.UtcTicks, Is.EqualTo(new DateTimeOffset(2026, 11, 28, 11, 37, 26, TimeSpan.Zero).AddTicks(9617123).UtcTicks));
        Assert.That(task.Deadline!.Value.Offset, Is.EqualTo(TimeSpan.FromHours(8)));
    }

    [Test]
    public void PayloadsRoundTripThroughTypes()
    {
        var task = new RatusTask { Payload = RatusPayload.From(new Page("https://example.com/", 2)) };
        Assert.That(task.Payload!.Value.GetRawText(), Is.EqualTo("""{"url":"https://example.com/","depth":2}"""));
        Assert.That(task.GetPayload<Page>(), Is.EqualTo(new Page("https://example.com/", 2)));
        Assert.That(new RatusTask().GetPayload<Page>(), Is.Null);
    }

    private sealed record Page(string Url, int Depth);
}
