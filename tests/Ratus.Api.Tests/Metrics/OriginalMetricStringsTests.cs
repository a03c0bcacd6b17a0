using Microsoft.Extensions.DependencyInjection;
using Ratus.Api.Tests.Support;
using Ratus.Application.Diagnostics;
using Ratus.Domain.Tasks;

namespace Ratus.Api.Tests.Metrics;

/// The strings the original's metric unit test looks for (docs/protocol.md §6), on a server of its own so that the unlabelled
/// chore histogram holds exactly the one observation. The exporter adds otel_scope_name="Ratus" (docs/protocol.md, D8), so the
/// bucket lines are matched from the le label on.
public sealed class OriginalMetricStringsTests
{
    [Test]
    public async Task Exposition_HasTheOriginalsBucketsLabelsAndValues()
    {
        await using var factory = new RatusApiFactory();
        using var client = factory.CreateRawClient();
        var metrics = factory.Services.GetRequiredService<RatusMetrics>();

        metrics.RecordChore(TimeSpan.FromSeconds(0.42));
        metrics.RecordRequest(TimeSpan.FromSeconds(0.42), "test", "GET", "/foo", 404);
        metrics.TasksProduced("test", "foo", 42);
        metrics.TaskConsumed(new RatusTask
        {
            Id = "1", Topic = "test", Producer = "foo", Consumer = "bar",
            Scheduled = new DateTime(2022, 7, 29, 20, 0, 0, DateTimeKind.Utc),
            Consumed = new DateTime(2022, 7, 29, 20, 0, 42, DateTimeKind.Utc),
        });
        var exposition = await Exposition.ScrapeAsync(factory, client);
        var text = exposition.Text;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(text, Does.Match("""ratus_chore_duration_seconds_bucket\{[^}]*le="0.1"\} 0"""));
            Assert.That(text, Does.Match("""ratus_chore_duration_seconds_bucket\{[^}]*le="0.5"\} 1"""));
            Assert.That(text, Does.Contain("ratus_request_duration_seconds_bucket"));
            foreach (var label in new[] { "topic=\"test\"", "method=\"GET\"", "endpoint=\"/foo\"", "status_code=\"404\"", "producer=\"foo\"", "consumer=\"bar\"" })
            {
                Assert.That(text, Does.Contain(label), label);
            }

            Assert.That(text, Does.Contain("} 42"));
            Assert.That(exposition.Value("ratus_task_schedule_delay_seconds", ("topic", "test")), Is.EqualTo(42));
            Assert.That(text, Does.Contain("# TYPE ratus_task_produced_count_total counter"));
            Assert.That(text, Does.Contain("# TYPE ratus_request_duration_seconds histogram"));
            Assert.That(text, Does.Contain("# TYPE ratus_task_schedule_delay_seconds gauge"));

            // Beside them, .NET runtime metrics (docs/protocol.md, D8).
            Assert.That(text, Does.Contain("# TYPE dotnet_gc_collections_total counter"));
        }
    }
}
