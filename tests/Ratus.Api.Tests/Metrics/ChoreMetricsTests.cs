using Ratus.Api.Tests.Support;

namespace Ratus.Api.Tests.Metrics;

/// ratus_chore_duration_seconds, on a server of its own with the chore on. OpenTelemetry's MeterProvider follows every
/// meter named "Ratus" in the process, so the metrics fixtures never keep a second server alive beside their own.
[TestFixture(RatusApiFactory.MemDb)]
[TestFixture(RatusApiFactory.MongoDb)]
public sealed class ChoreMetricsTests(string engine)
{
    [Test]
    public async Task Chore_RecordsItsDurationInTheOriginalsBuckets()
    {
        await using var factory = new RatusApiFactory(
            new Dictionary<string, string?> { ["Chore:Interval"] = "00:00:00.050" }, engine: engine);
        using var client = factory.CreateRawClient();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        Exposition metrics;
        do
        {
            await Task.Delay(50);
            metrics = await Exposition.ScrapeAsync(factory, client);
        }
        while (metrics.Value("ratus_chore_duration_seconds_count") is null or 0 && DateTime.UtcNow < deadline);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(metrics.Value("ratus_chore_duration_seconds_count"), Is.GreaterThanOrEqualTo(1));
            Assert.That(metrics.Where("ratus_chore_duration_seconds_bucket").Select(s => s["le"]),
                Is.EqualTo(new[] { "0.01", "0.1", "0.5", "1", "2", "5", "+Inf" }));
            Assert.That(metrics.Text, Does.Match("ratus_chore_duration_seconds_bucket\\{[^}]*le=\"0.1\"\\} \\d"));
        }
    }
}
