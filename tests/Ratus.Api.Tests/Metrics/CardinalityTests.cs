using System.Net;
using Ratus.Api.Tests.Support;

namespace Ratus.Api.Tests.Metrics;

/// Labels carry user-chosen topics, producers and consumers; every ratus_* metric keeps at most
/// Metrics:CardinalityLimit series (ratus_tasks five times that) plus one overflow series, so /metrics stays small
/// whatever clients send. A server of its own: the overflow would spill into other fixtures' expositions.
public sealed class CardinalityTests
{
    private const int Topics = 3_000;

    [Test]
    public async Task ManyTopics_ExpositionStaysBounded()
    {
        await using var factory = new RatusApiFactory();
        using var client = factory.CreateRawClient();

        await Parallel.ForAsync(0, Topics, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            using var push = await client.SendAsync("POST", $"/v1/topics/many-{i}/tasks/many-{i}", $$"""{"producer":"p-{{i}}"}""");
            Assert.That(push.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        });

        var metrics = await Exposition.ScrapeAsync(factory, client);
        var limit = ApiServiceCollectionExtensions.DefaultCardinalityLimit;
        int Series(string name) => metrics.Where(name).Count();

        TestContext.Out.WriteLine($"{metrics.Text.Length} characters, {metrics.Samples.Count} samples");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Series("ratus_request_duration_seconds_count"), Is.InRange(limit - 1, limit + 1));
            Assert.That(Series("ratus_task_produced_count_total"), Is.InRange(limit - 1, limit + 1));
            Assert.That(Series("ratus_tasks"), Is.LessThanOrEqualTo((5 * limit) + 1));
            Assert.That(Series("ratus_oldest_due_task_age_seconds"), Is.LessThanOrEqualTo(limit + 1));

            // Nothing is lost: what does not fit is counted in the overflow series.
            Assert.That(metrics.Where("ratus_task_produced_count_total").Sum(s => s.Value), Is.EqualTo(Topics));
            Assert.That(metrics.Value("ratus_task_produced_count_total", ("otel_metric_overflow", "true")), Is.GreaterThan(0));

            Assert.That(metrics.Samples.Count(s => s.Name.StartsWith("ratus_", StringComparison.Ordinal)), Is.LessThan(4_000));
            Assert.That(metrics.Text.Length, Is.LessThan(1_000_000));
        }
    }
}
