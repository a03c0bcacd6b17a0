using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using MongoDB.Driver;
using Ratus.Api.Tests.Support;
using Ratus.Infrastructure.Tests.Support;
using static Ratus.Api.Tests.Support.Wire;

namespace Ratus.Api.Tests.MongoDb;

// Issue 10, item 3: with MongoDB down, every route answers 503 with a short message at once (not a 500 carrying the
// driver's cluster description after the server-selection timeout), and the outage is logged once when it begins and
// once when it ends, however many chores, recoveries, readiness checks and requests fail in between.
[NonParallelizable]
public sealed class MongoDbOutageTests
{
    private const string Unavailable = "service unavailable: the storage engine cannot be reached";

    private RatusApiFactory _factory = null!;
    private HttpClient _client = null!;

    public static IEnumerable<TestCaseData> Routes()
    {
        const string Tasks = """{"data":[{"_id":"1"}]}""";
        (string Method, string Path, string? Body)[] routes =
        [
            ("GET", "/v1/topics", null), ("DELETE", "/v1/topics", null),
            ("GET", "/v1/topics/t", null), ("DELETE", "/v1/topics/t", null),
            ("GET", "/v1/topics/t/tasks", null), ("POST", "/v1/topics/t/tasks", Tasks), ("PUT", "/v1/topics/t/tasks", Tasks), ("DELETE", "/v1/topics/t/tasks", null),
            ("GET", "/v1/topics/t/tasks/1", null), ("POST", "/v1/topics/t/tasks/1", "{}"), ("PUT", "/v1/topics/t/tasks/1", "{}"),
            ("PATCH", "/v1/topics/t/tasks/1", "{}"), ("DELETE", "/v1/topics/t/tasks/1", null),
            ("GET", "/v1/topics/t/promises", null), ("POST", "/v1/topics/t/promises", "{}"), ("DELETE", "/v1/topics/t/promises", null),
            ("GET", "/v1/topics/t/promises/1", null), ("POST", "/v1/topics/t/promises/1", "{}"), ("PUT", "/v1/topics/t/promises/1", "{}"),
            ("DELETE", "/v1/topics/t/promises/1", null),
        ];
        return routes.Select(r => new TestCaseData(r.Method, r.Path, r.Body));
    }

    // Server selection would wait ten minutes: only the engine's fast path answers within the client's timeout.
    [OneTimeSetUp]
    public async Task StartServer()
    {
        _factory = new RatusApiFactory(new Dictionary<string, string?>
        {
            ["Engine:Name"] = RatusApiFactory.MongoDb,
            ["MongoDb:Uri"] = $"mongodb://127.0.0.1:{CongoServer.ClosedPort()}/?directConnection=true&serverSelectionTimeoutMS=600000",
            ["MongoDb:Database"] = MongoEnv.NewDatabaseName(),
        });
        _client = _factory.CreateRawClient();
        _client.Timeout = TimeSpan.FromSeconds(30);
        var mongo = _factory.Services.GetRequiredService<IMongoClient>();
        await Eventually.AssertAsync(() => Task.FromResult(mongo.Cluster.Description.Servers.All(s => s.HeartbeatException is not null)), "the driver's heartbeat failed");
    }

    [OneTimeTearDown]
    public async Task StopServer()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [TestCaseSource(nameof(Routes))]
    public async Task Route_MongoDbDown_503WithAShortMessageAtOnce(string method, string path, string? body)
    {
        using var response = await _client.SendAsync(method, path, body);

        await AssertErrorAsync(response, HttpStatusCode.ServiceUnavailable, Unavailable);
    }

    [Test]
    public async Task Health_MongoDbDown_Livez200Readyz503()
    {
        Assert.That((await _client.SendAsync("GET", "/v1/livez")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await AssertExactAsync(await _client.SendAsync("GET", "/v1/readyz"), HttpStatusCode.ServiceUnavailable, """{"error":{"code":503,"message":"service unavailable"}}""");
    }

    // The chore and its recovery loop run on a fake clock, one step at a time; each step waits until its runs have
    // logged that they were skipped. Then the log is counted, not watched for a while.
    [Test]
    public async Task Outage_ChoresReadinessAndRequestsFail_LoggedOnceWhenItBeginsAndOnceWhenItEnds()
    {
        var port = CongoServer.ClosedPort();
        var logs = new LogCapture();
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var factory = new RatusApiFactory(
            new Dictionary<string, string?>
            {
                ["Engine:Name"] = RatusApiFactory.MongoDb,
                ["MongoDb:Uri"] = $"mongodb://127.0.0.1:{port}/?directConnection=true&serverSelectionTimeoutMS=500",
                ["MongoDb:Database"] = MongoEnv.NewDatabaseName(),
                ["Chore:Interval"] = "00:00:01",
                ["Chore:RecoveryInterval"] = "00:00:00.5",
                ["Logging:LogLevel:Ratus.Infrastructure.Chores"] = "Debug",
            },
            time,
            s => s.AddSingleton<ILoggerProvider>(logs));
        using var client = factory.CreateRawClient();

        for (var step = 1; step <= 4; step++)
        {
            time.Advance(TimeSpan.FromMilliseconds(500));
            await logs.WaitForAsync(e => Count(e, "recovery skipped") >= step && Count(e, "chore skipped") >= (step + 1) / 2, $"chore step {step}");
            Assert.That((await client.SendAsync("GET", "/v1/readyz")).StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            await AssertErrorAsync(await client.SendAsync("POST", "/v1/topics/t/tasks/1", "{}"), HttpStatusCode.ServiceUnavailable, Unavailable);
            await AssertErrorAsync(await client.SendAsync("GET", "/v1/topics"), HttpStatusCode.ServiceUnavailable, Unavailable);
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Outages(logs), Has.Count.EqualTo(1));
            Assert.That(logs.Entries.Where(e => e.Level >= LogLevel.Warning).Except(Outages(logs)), Is.Empty);
            Assert.That(logs.Entries.Where(e => e.Exception is not null), Is.Empty);
        }

        using var congo = await CongoServer.StartAsync(port);
        await Eventually.AssertAsync(async () => (await client.SendAsync("GET", "/v1/readyz")).StatusCode == HttpStatusCode.OK, "readyz 200 after MongoDB came up");
        Assert.That((await client.SendAsync("POST", "/v1/topics/t/tasks/1", "{}")).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Outages(logs), Has.Count.EqualTo(1));
            Assert.That(logs.Entries.Count(e => e.EventId.Id == 1206), Is.EqualTo(1));
            Assert.That(logs.Entries.Where(e => e.Level >= LogLevel.Warning && e.Exception is not null), Is.Empty);
        }
    }

    private static int Count(IReadOnlyList<LogEntry> entries, string prefix) =>
        entries.Count(e => e.Message.StartsWith(prefix, StringComparison.Ordinal));

    private static List<LogEntry> Outages(LogCapture logs) => [.. logs.Entries.Where(e => e.EventId.Id == 1204)];
}
