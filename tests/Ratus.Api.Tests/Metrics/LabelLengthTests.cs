using System.Net;
using Ratus.Api.Tests.Support;
using Ratus.Application.Diagnostics;

namespace Ratus.Api.Tests.Metrics;

/// Producers, consumers and topics are free text of any length; a label value is cut at
/// RatusMetrics.MaxLabelLength characters, so huge ones cannot blow up the exposition (they once added about 9 MB
/// per scrape each, and 50 of them broke /metrics for the life of the process). A server of its own: the huge
/// values must not reach other fixtures' expositions.
public sealed class LabelLengthTests
{
    private const int Tasks = 5;

    // Under the 1 MiB request body limit with the rest of the JSON.
    private const int Huge = 1_000_000;

    [Test]
    public async Task HugeProducerConsumerAndTopic_ExpositionStaysSmall()
    {
        await using var factory = new RatusApiFactory();
        using var client = factory.CreateRawClient();
        var topic = Wire.Unique("huge");
        for (var i = 0; i < Tasks; i++)
        {
            var id = Wire.Unique("t");
            var producer = new string((char)('a' + i), Huge);
            var consumer = new string((char)('A' + i), Huge);
            await SendAsync(client, "POST", $"/v1/topics/{topic}/tasks/{id}", $$"""{"producer":"{{producer}}"}""", HttpStatusCode.Created);
            await SendAsync(client, "POST", $"/v1/topics//promises/{id}", $$"""{"consumer":"{{consumer}}"}""", HttpStatusCode.OK);
            await SendAsync(client, "PATCH", $"/v1/topics//tasks/{id}", "{}", HttpStatusCode.OK);
        }

        var hugeTopic = new string('z', Huge);
        await SendAsync(client, "POST", $"/v1/topics//tasks/{Wire.Unique("t")}", $$"""{"topic":"{{hugeTopic}}"}""", HttpStatusCode.Created);

        var metrics = await Exposition.ScrapeAsync(factory, client);

        TestContext.Out.WriteLine($"{metrics.Text.Length} characters, {metrics.Samples.Count} samples");
        var labels = metrics.Samples.Where(s => s.Name.StartsWith("ratus_", StringComparison.Ordinal)).SelectMany(s => s.Labels.Values).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(metrics.Text.Length, Is.LessThan(200_000));
            Assert.That(labels.Max(v => v.Length), Is.EqualTo(RatusMetrics.MaxLabelLength));
            Assert.That(metrics.Value("ratus_task_committed_count_total",
                ("topic", topic), ("producer", new string('a', RatusMetrics.MaxLabelLength)), ("consumer", new string('A', RatusMetrics.MaxLabelLength))),
                Is.EqualTo(1));
            Assert.That(metrics.Where("ratus_tasks", ("topic", new string('z', RatusMetrics.MaxLabelLength))), Is.Not.Empty);
        }

        await SendAsync(client, "DELETE", "/v1/topics", null, HttpStatusCode.OK);
        using var after = await client.GetAsync("/metrics");
        Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [TestCase("short", "short")]
    [TestCase(null, "")]
    public void Label_ShortValue_IsKept(string? value, string expected) => Assert.That(RatusMetrics.Label(value), Is.EqualTo(expected));

    [Test]
    public void Label_CutInsideASurrogatePair_DropsTheLoneHalf()
    {
        var value = new string('x', RatusMetrics.MaxLabelLength - 1) + "😀" + "tail";

        var label = RatusMetrics.Label(value);

        Assert.That(label, Is.EqualTo(new string('x', RatusMetrics.MaxLabelLength - 1)));
    }

    private static async Task SendAsync(HttpClient client, string method, string path, string? body, HttpStatusCode expected)
    {
        using var response = await client.SendAsync(method, path, body);
        Assert.That(response.StatusCode, Is.EqualTo(expected), $"{method} {path[..Math.Min(path.Length, 80)]}");
    }
}
