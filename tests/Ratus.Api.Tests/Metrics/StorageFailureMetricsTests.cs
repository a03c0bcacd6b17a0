using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Ratus.Api.Tests.Support;
using Ratus.Application.Abstractions;

namespace Ratus.Api.Tests.Metrics;

/// A memdb engine with snapshots alone whose snapshot cannot be written: /readyz answers 503 and
/// ratus_snapshot_failures_total counts the failures, until a snapshot is written again. The chore is driven directly.
public sealed class StorageFailureMetricsTests
{
    [Test]
    public async Task SnapshotsOnly_SnapshotCannotBeWritten_ReadyzAnswers503AndFailuresAreCounted()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"ratus-snapshot-metric-{Guid.NewGuid():N}");
        try
        {
            await using var factory = new RatusApiFactory(
                new Dictionary<string, string?> { ["MemDb:SnapshotPath"] = Path.Combine(directory, "ratus.db") });
            using var client = factory.CreateRawClient();
            var engine = factory.Services.GetRequiredService<ITaskRepository>();
            using (var ready = await client.GetAsync(new Uri("/v1/readyz", UriKind.Relative)))
            {
                Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            }

            await engine.ChoreAsync(CancellationToken.None);
            await engine.ChoreAsync(CancellationToken.None);
            using (var notReady = await client.GetAsync(new Uri("/v1/readyz", UriKind.Relative)))
            {
                Assert.That(notReady.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
                Assert.That(await notReady.Content.ReadAsStringAsync(), Does.Contain("memdb snapshot cannot be written"));
            }

            Assert.That((await Exposition.ScrapeAsync(factory, client)).Value("ratus_snapshot_failures_total"), Is.EqualTo(2));

            Directory.CreateDirectory(directory);
            await engine.ChoreAsync(CancellationToken.None);
            using (var readyAgain = await client.GetAsync(new Uri("/v1/readyz", UriKind.Relative)))
            {
                Assert.That(readyAgain.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            }
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
