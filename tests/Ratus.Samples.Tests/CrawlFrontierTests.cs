using System.Diagnostics;
using Ratus.Client;

namespace Ratus.Samples.Tests;

[NonParallelizable]
[Platform(Include = "Linux,MacOsX", Reason = "stops the sample with SIGTERM")]
public sealed class CrawlFrontierTests
{
    private const string Sample = "Ratus.Samples.CrawlFrontier";
    private static readonly TimeSpan CrawlTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);

    [Test]
    public async Task CrawlFrontier_MaxDepthOne_FansOutOnceAndMovesCrawledPagesToRevisit()
    {
        using var crawler = SampleProcess.Start(Sample, "--origin", SampleServer.Origin, "--max-depth", "1");
        var client = SampleServer.Client;

        // Runs until a child page has been crawled and moved to "revisit": about 4 s (2 s per page, workers
        // starting 1 s apart), watching the topics on the way; "fresh" lives until its last page is crawled.
        var topics = new HashSet<string>();
        RatusTask? crawledChild = null;
        var stopwatch = Stopwatch.StartNew();
        while (crawledChild is null && stopwatch.Elapsed < CrawlTimeout)
        {
            topics.UnionWith((await client.ListTopicsAsync(limit: 100)).Select(t => t.Name));
            crawledChild = (await client.ListTasksAsync("revisit", limit: 100))
                .FirstOrDefault(t => t.Id.StartsWith("example.com/", StringComparison.Ordinal));
            await Task.Delay(100);
        }

        Assert.That(crawledChild, Is.Not.Null, $"no child page reached \"revisit\" within {CrawlTimeout}:{Environment.NewLine}{crawler.Output}");
        Assert.That(topics, Is.SupersetOf(new[] { "fresh", "revisit" }));

        // The seed was crawled: moved to "revisit", pending again and due 30 s after its commit.
        var seed = await client.GetTaskAsync("example.com");
        Assert.Multiple(() =>
        {
            Assert.That(seed.Topic, Is.EqualTo("revisit"));
            Assert.That(seed.State, Is.EqualTo(TaskState.Pending));
            Assert.That(seed.Producer, Is.EqualTo("mycrawler"));
            Assert.That(seed.Consumer, Is.EqualTo("mycrawler"));
            Assert.That(seed.Scheduled!.Value - seed.Consumed!.Value, Is.GreaterThan(TimeSpan.FromSeconds(30)), "Retry(30s) after a 2 s crawl");
        });

        // Its three links are tasks whose IDs contain '/', found from it at depth 1.
        for (var i = 0; i < 3; i++)
        {
            var child = await client.GetTaskAsync($"example.com/{i}");
            var page = child.Payload!.Value;
            Assert.Multiple(() =>
            {
                Assert.That(child.Id, Is.EqualTo($"example.com/{i}"));
                Assert.That(child.Topic, Is.AnyOf("fresh", "revisit"));
                Assert.That(child.Producer, Is.EqualTo("mycrawler"));
                Assert.That(page.GetProperty("URL").GetString(), Is.EqualTo($"https://example.com/{i}"));
                Assert.That(page.GetProperty("Trace").GetProperty("Referrer").GetString(), Is.EqualTo("example.com"));
                Assert.That(page.GetProperty("Trace").GetProperty("Depth").GetInt32(), Is.EqualTo(1));
            });
        }

        // --max-depth 1: a crawled child found no links of its own.
        Assert.ThrowsAsync<RatusNotFoundException>(() => client.GetTaskAsync($"{crawledChild!.Id}/0"));

        // SIGTERM, like Ctrl+C: the crawler finishes the pages in hand, commits them and exits with 0.
        crawler.Terminate();
        var exitCode = await crawler.WaitForExitCodeAsync(ExitTimeout);
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero, crawler.Output);
            Assert.That(crawler.Output, Does.Contain("seeded 2 task(s)"));
            Assert.That(crawler.Output, Does.Contain("stopped (0 error(s) reported)"));
        });

        // No page is left claimed: every claimed task was committed before the exit.
        var fresh = await client.ListTasksAsync("fresh", limit: 100);
        var revisit = await client.ListTasksAsync("revisit", limit: 100);
        Assert.That(fresh.Concat(revisit).Where(t => t.State == TaskState.Active).Select(t => t.Id), Is.Empty);
    }
}
