using System.Net;
using Ratus.Api.Tests.Support;

namespace Ratus.Api.Tests.Metrics;

/// The seven ratus_* series of the original (docs/protocol.md §6, §7.2) after a push–promise–commit cycle over HTTP.
[TestFixture(RatusApiFactory.MemDb)]
[TestFixture(RatusApiFactory.MongoDb)]
public sealed class RatusSeriesTests(string engine) : ApiTestBase(engine)
{
    [Test]
    public async Task Cycle_ExposesEverySeriesWithTheOriginalsLabelsAndCounts()
    {
        var topic = Wire.Unique("cycle");
        using (var push = await Client.SendAsync("POST", $"/v1/topics/{topic}/tasks/{Wire.Unique("t")}", """{"producer":"foo","payload":"x"}"""))
        {
            Assert.That(push.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        }

        using var promise = await Client.SendAsync("POST", $"/v1/topics/{topic}/promises?consumer=bar", "{}");
        Assert.That(promise.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var claimed = await promise.JsonAsync();
        using (var commit = await Client.SendAsync("PATCH", $"/v1/topics/{topic}/tasks/{claimed.Str("_id")}", $$"""{"nonce":"{{claimed.Str("nonce")}}"}"""))
        {
            Assert.That(commit.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        using (await Client.GetAsync($"/v1/topics/{topic}/tasks"))
        {
        }

        var metrics = await Exposition.ScrapeAsync(Factory, Client);
        var task = new[] { ("topic", topic), ("producer", "foo"), ("consumer", "bar") };

        using (Assert.EnterMultipleScope())
        {
            Assert.That(metrics.Value("ratus_task_produced_count_total", ("topic", topic), ("producer", "foo")), Is.EqualTo(1));
            Assert.That(metrics.Value("ratus_task_consumed_count_total", task), Is.EqualTo(1));
            Assert.That(metrics.Value("ratus_task_committed_count_total", task), Is.EqualTo(1));
            Assert.That(metrics.Value("ratus_task_schedule_delay_seconds", task), Is.GreaterThanOrEqualTo(0));
            Assert.That(metrics.Value("ratus_task_execution_duration_seconds", task), Is.GreaterThanOrEqualTo(0));

            var list = new[] { ("topic", topic), ("method", "GET"), ("endpoint", "/v1/topics/:topic/tasks"), ("status_code", "200") };
            Assert.That(metrics.Value("ratus_request_duration_seconds_count", list), Is.EqualTo(1));
            Assert.That(metrics.Where("ratus_request_duration_seconds_bucket", list).Select(s => s["le"]),
                Is.EqualTo(new[] { "0.01", "0.1", "0.5", "1", "2", "5", "+Inf" }));
            Assert.That(metrics.Value("ratus_request_duration_seconds_count",
                ("topic", topic), ("method", "POST"), ("endpoint", "/v1/topics/:topic/tasks/:id"), ("status_code", "201")), Is.EqualTo(1));
            Assert.That(metrics.Value("ratus_request_duration_seconds_count",
                ("topic", topic), ("method", "PATCH"), ("endpoint", "/v1/topics/:topic/tasks/:id"), ("status_code", "200")), Is.EqualTo(1));

            // The original's unit-test strings.
            Assert.That(metrics.Text, Does.Contain("ratus_request_duration_seconds_bucket{"));
            Assert.That(metrics.Text, Does.Contain($"topic=\"{topic}\""));
            Assert.That(metrics.Text, Does.Contain("method=\"GET\""));
            Assert.That(metrics.Text, Does.Contain("endpoint=\"/v1/topics/:topic/tasks\""));
            Assert.That(metrics.Text, Does.Contain("producer=\"foo\""));
            Assert.That(metrics.Text, Does.Contain("consumer=\"bar\""));
            Assert.That(metrics.Text, Does.Contain("} 1"));
        }
    }

    [Test]
    public async Task RootPrefix_NotFound_AndBulkPush_CarryTheOriginalsLabels()
    {
        var topic = Wire.Unique("root");
        using (await Client.GetAsync("/topics"))
        {
        }

        using (var missing = await Client.GetAsync($"/topics/{topic}"))
        {
            Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }

        // Bulk: each task under its own topic and producer (the original used the path's topic and the first producer).
        using (await Client.SendAsync("POST", $"/topics/{topic}/tasks",
                   $$"""{"data":[{"_id":"{{Wire.Unique("a")}}","producer":"first"},{"_id":"{{Wire.Unique("b")}}","producer":"second","topic":"{{topic}}-other"}]}"""))
        {
        }

        using (await Client.SendAsync("PUT", $"/v1/topics/{topic}/tasks/{Wire.Unique("c")}", """{"producer":"single"}"""))
        {
        }

        var metrics = await Exposition.ScrapeAsync(Factory, Client);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(metrics.Value("ratus_request_duration_seconds_count",
                ("topic", ""), ("method", "GET"), ("endpoint", "/topics"), ("status_code", "200")), Is.GreaterThanOrEqualTo(1));
            Assert.That(metrics.Value("ratus_request_duration_seconds_count",
                ("topic", topic), ("method", "GET"), ("endpoint", "/topics/:topic"), ("status_code", "404")), Is.EqualTo(1));
            Assert.That(metrics.Text, Does.Contain("endpoint=\"/topics\""));
            Assert.That(metrics.Text, Does.Contain("status_code=\"404\""));
            Assert.That(metrics.Value("ratus_task_produced_count_total", ("topic", topic), ("producer", "first")), Is.EqualTo(1));
            Assert.That(metrics.Value("ratus_task_produced_count_total", ("topic", $"{topic}-other"), ("producer", "second")), Is.EqualTo(1));
            Assert.That(metrics.Value("ratus_task_produced_count_total", ("topic", topic), ("producer", "single")), Is.EqualTo(1));
        }
    }

    [Test]
    public async Task UnmatchedPathsSwaggerAndMetrics_RecordNoRequestDuration()
    {
        var before = (await Exposition.ScrapeAsync(Factory, Client)).Where("ratus_request_duration_seconds_count").Count();
        using (await Client.GetAsync($"/nowhere/{Wire.Unique("x")}"))
        {
        }

        using (await Client.GetAsync("/openapi.json"))
        {
        }

        using (await Client.GetAsync("/v1/metrics"))
        {
        }

        var metrics = await Exposition.ScrapeAsync(Factory, Client);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(metrics.Where("ratus_request_duration_seconds_count").Count(), Is.EqualTo(before));
            Assert.That(metrics.Where("ratus_request_duration_seconds_count").Select(m => m["endpoint"]),
                Has.None.Contains("metrics").And.None.Contains("nowhere").And.None.Contains("openapi"));
        }
    }

    [Test]
    public async Task Put_CountsCreatedAndReplacedTasks()
    {
        var topic = Wire.Unique("put");
        var id = Wire.Unique("t");
        for (var i = 0; i < 2; i++)
        {
            using var put = await Client.SendAsync("PUT", $"/v1/topics/{topic}/tasks/{id}", """{"producer":"single"}""");
            Assert.That(put.IsSuccessStatusCode, Is.True);
        }

        // Bulk PUT: one replaced, one created; each under its own producer.
        using (var bulk = await Client.SendAsync("PUT", $"/v1/topics/{topic}/tasks",
                   $$"""{"data":[{"_id":"{{id}}","producer":"bulk"},{"_id":"{{Wire.Unique("u")}}","producer":"other"}]}"""))
        {
            Assert.That(bulk.IsSuccessStatusCode, Is.True);
        }

        var metrics = await Exposition.ScrapeAsync(Factory, Client);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(metrics.Value("ratus_task_produced_count_total", ("topic", topic), ("producer", "single")), Is.EqualTo(2));
            Assert.That(metrics.Value("ratus_task_produced_count_total", ("topic", topic), ("producer", "bulk")), Is.EqualTo(1));
            Assert.That(metrics.Value("ratus_task_produced_count_total", ("topic", topic), ("producer", "other")), Is.EqualTo(1));
        }
    }

    [Test]
    public async Task PromiseById_CountsAsConsumedWithTheScheduleDelay()
    {
        var topic = Wire.Unique("byid");
        var id = Wire.Unique("t");
        using (await Client.SendAsync("POST", $"/v1/topics/{topic}/tasks/{id}", """{"producer":"p"}"""))
        {
        }

        using (var claim = await Client.SendAsync("POST", $"/v1/topics/{topic}/promises/{id}?consumer=c", "{}"))
        {
            Assert.That(claim.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        using (var reclaim = await Client.SendAsync("PUT", $"/v1/topics/{topic}/promises/{id}?consumer=c", "{}"))
        {
            Assert.That(reclaim.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        var metrics = await Exposition.ScrapeAsync(Factory, Client);
        var labels = new[] { ("topic", topic), ("producer", "p"), ("consumer", "c") };

        using (Assert.EnterMultipleScope())
        {
            Assert.That(metrics.Value("ratus_task_consumed_count_total", labels), Is.EqualTo(2));
            Assert.That(metrics.Value("ratus_task_schedule_delay_seconds", labels), Is.GreaterThanOrEqualTo(0));
        }
    }
}
