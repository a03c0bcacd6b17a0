using System.Net;
using Ratus.Api.Tests.Support;

namespace Ratus.Api.Tests.Metrics;

/// The client SDK, like the original's Go client, calls every by-ID route with an empty topic segment
/// (/v1/topics//tasks/{id}) and pushes batches to /v1/topics//tasks: the topic label is still the task's own topic.
[TestFixture(RatusApiFactory.MemDb)]
[TestFixture(RatusApiFactory.MongoDb)]
public sealed class TaskTopicLabelTests(string engine) : ApiTestBase(engine)
{
    private const string TaskEndpoint = "/v1/topics/:topic/tasks/:id";
    private const string TasksEndpoint = "/v1/topics/:topic/tasks";
    private const string PromiseEndpoint = "/v1/topics/:topic/promises/:id";

    [Test]
    public async Task ByIdCallsWithAnEmptyTopic_AreLabelledWithTheTasksTopic()
    {
        var topic = Wire.Unique("byid");
        var id = Wire.Unique("t");
        var claimed = Wire.Unique("c");
        await SendAsync("POST", $"/v1/topics//tasks/{id}", $$"""{"topic":"{{topic}}","producer":"p"}""", HttpStatusCode.Created);
        await SendAsync("PUT", $"/v1/topics//tasks/{claimed}", $$"""{"topic":"{{topic}}","producer":"p"}""", HttpStatusCode.Created);
        await SendAsync("GET", $"/v1/topics//tasks/{id}", null, HttpStatusCode.OK);
        await SendAsync("POST", $"/v1/topics//promises/{id}", """{"consumer":"c"}""", HttpStatusCode.OK);
        await SendAsync("PUT", $"/v1/topics//promises/{claimed}", """{"consumer":"c"}""", HttpStatusCode.OK);
        await SendAsync("GET", $"/v1/topics//promises/{id}", null, HttpStatusCode.OK);
        await SendAsync("DELETE", $"/v1/topics//promises/{claimed}", null, HttpStatusCode.OK);
        await SendAsync("PATCH", $"/v1/topics//tasks/{id}", "{}", HttpStatusCode.OK);
        await SendAsync("DELETE", $"/v1/topics//tasks/{id}", null, HttpStatusCode.OK);

        var metrics = await Exposition.ScrapeAsync(Factory, Client);

        using (Assert.EnterMultipleScope())
        {
            foreach (var (method, endpoint, status) in new[]
            {
                ("POST", TaskEndpoint, "201"), ("PUT", TaskEndpoint, "201"), ("GET", TaskEndpoint, "200"),
                ("PATCH", TaskEndpoint, "200"), ("DELETE", TaskEndpoint, "200"), ("POST", PromiseEndpoint, "200"),
                ("PUT", PromiseEndpoint, "200"), ("GET", PromiseEndpoint, "200"), ("DELETE", PromiseEndpoint, "200"),
            })
            {
                Assert.That(metrics.Value("ratus_request_duration_seconds_count",
                    ("topic", topic), ("method", method), ("endpoint", endpoint), ("status_code", status)), Is.EqualTo(1),
                    $"{method} {endpoint}");
            }

            Assert.That(metrics.Value("ratus_task_produced_count_total", ("topic", topic), ("producer", "p")), Is.EqualTo(2));
            Assert.That(metrics.Where("ratus_task_produced_count_total", ("topic", "")), Is.Empty);
        }
    }

    [Test]
    public async Task ByIdCallForAMissingTask_KeepsThePathsTopic()
    {
        var missing = Wire.Unique("missing");
        await SendAsync("GET", $"/v1/topics//tasks/{missing}", null, HttpStatusCode.NotFound);
        await SendAsync("DELETE", $"/v1/topics//tasks/{missing}", null, HttpStatusCode.OK);

        var metrics = await Exposition.ScrapeAsync(Factory, Client);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(metrics.Value("ratus_request_duration_seconds_count",
                ("topic", ""), ("method", "GET"), ("endpoint", TaskEndpoint), ("status_code", "404")), Is.GreaterThanOrEqualTo(1));
            Assert.That(metrics.Value("ratus_request_duration_seconds_count",
                ("topic", ""), ("method", "DELETE"), ("endpoint", TaskEndpoint), ("status_code", "200")), Is.GreaterThanOrEqualTo(1));
        }
    }

    [Test]
    public async Task BulkPushToAnEmptyTopic_CountsEachTaskUnderItsOwnTopicAndProducer()
    {
        var first = Wire.Unique("first");
        var second = Wire.Unique("second");
        var single = Wire.Unique("single");
        await SendAsync("POST", "/v1/topics//tasks", $$"""
            {"data":[
              {"_id":"{{Wire.Unique("a")}}","topic":"{{first}}","producer":"p"},
              {"_id":"{{Wire.Unique("b")}}","topic":"{{second}}","producer":"q"},
              {"_id":"{{Wire.Unique("c")}}","topic":"{{first}}","producer":"p"}]}
            """, HttpStatusCode.Created);
        await SendAsync("PUT", "/v1/topics//tasks", $$"""
            {"data":[
              {"_id":"{{Wire.Unique("d")}}","topic":"{{single}}","producer":"p"},
              {"_id":"{{Wire.Unique("e")}}","topic":"{{single}}","producer":"q"}]}
            """, HttpStatusCode.Created);

        var metrics = await Exposition.ScrapeAsync(Factory, Client);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(metrics.Value("ratus_task_produced_count_total", ("topic", first), ("producer", "p")), Is.EqualTo(2));
            Assert.That(metrics.Value("ratus_task_produced_count_total", ("topic", second), ("producer", "q")), Is.EqualTo(1));
            Assert.That(metrics.Value("ratus_task_produced_count_total", ("topic", single), ("producer", "p")), Is.EqualTo(1));
            Assert.That(metrics.Value("ratus_task_produced_count_total", ("topic", single), ("producer", "q")), Is.EqualTo(1));
            Assert.That(metrics.Where("ratus_task_produced_count_total", ("topic", "")), Is.Empty);

            // A batch all in one topic is a request to that topic; a batch spanning topics keeps the path's.
            Assert.That(metrics.Value("ratus_request_duration_seconds_count",
                ("topic", single), ("method", "PUT"), ("endpoint", TasksEndpoint), ("status_code", "201")), Is.EqualTo(1));
            Assert.That(metrics.Where("ratus_request_duration_seconds_count", ("topic", first)), Is.Empty);
            Assert.That(metrics.Value("ratus_request_duration_seconds_count",
                ("topic", ""), ("method", "POST"), ("endpoint", TasksEndpoint), ("status_code", "201")), Is.GreaterThanOrEqualTo(1));
        }
    }

    [Test]
    public async Task BulkPushSkippingExistingIds_CountsOnlyTheCreatedTasks()
    {
        var topic = Wire.Unique("skip");
        var existing = Wire.Unique("x");
        await SendAsync("POST", $"/v1/topics/{topic}/tasks/{existing}", """{"producer":"old"}""", HttpStatusCode.Created);

        await SendAsync("POST", "/v1/topics//tasks", $$"""
            {"data":[
              {"_id":"{{existing}}","topic":"{{topic}}","producer":"new"},
              {"_id":"{{Wire.Unique("y")}}","topic":"{{topic}}","producer":"new"}]}
            """, HttpStatusCode.Created);

        var metrics = await Exposition.ScrapeAsync(Factory, Client);

        Assert.That(metrics.Value("ratus_task_produced_count_total", ("topic", topic), ("producer", "new")), Is.EqualTo(1));
    }

    private async Task SendAsync(string method, string path, string? body, HttpStatusCode expected)
    {
        using var response = await Client.SendAsync(method, path, body);
        Assert.That(response.StatusCode, Is.EqualTo(expected), $"{method} {path}: {await response.Content.ReadAsStringAsync()}");
    }
}
