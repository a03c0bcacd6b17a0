using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MongoDB.Driver;
using Ratus.Domain.Commits;
using Ratus.Domain.Errors;
using Ratus.Domain.Promises;
using Ratus.Domain.Tasks;
using Ratus.Infrastructure.MongoDb;
using Ratus.Infrastructure.Tests.Support;

namespace Ratus.Infrastructure.Tests.MongoDb;

/// Issue 10, item 3: MongoDB down. The engine opens without waiting for it, answers every request with
/// ServiceUnavailableException (at once while the driver knows every server to be down, not after the
/// server-selection timeout), and logs the outage once when it begins and once when it ends.
[NonParallelizable]
public sealed class MongoOutageTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    // Longer than any of these tests may take: a call that waits for server selection fails them.
    private static readonly TimeSpan Forever = TimeSpan.FromMinutes(10);

    private readonly List<IDisposable> _disposables = [];

    [TearDown]
    public void TearDown()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }

        _disposables.Clear();
    }

    public static IEnumerable<TestCaseData> Requests()
    {
        var task = new RatusTask { Id = "1", Topic = "t" };
        var promise = new Promise("1", "c", null);
        var wildcard = new Promise("", "c", null);
        Func<MongoTaskRepository, CancellationToken, Task>[] calls =
        [
            async (r, c) => await r.ListTopicsAsync(10, 0, c),
            async (r, c) => await r.DeleteTopicsAsync(c),
            async (r, c) => await r.GetTopicAsync("t", c),
            async (r, c) => await r.DeleteTopicAsync("t", c),
            async (r, c) => await r.ListTasksAsync("t", 10, 0, c),
            async (r, c) => await r.InsertTasksAsync([task], c),
            async (r, c) => await r.UpsertTasksAsync([task], c),
            async (r, c) => await r.DeleteTasksAsync("t", c),
            async (r, c) => await r.GetTaskAsync("1", c),
            async (r, c) => await r.InsertTaskAsync(task, c),
            async (r, c) => await r.UpsertTaskAsync(task, c),
            async (r, c) => await r.DeleteTaskAsync("1", c),
            async (r, c) => await r.CommitTaskAsync("1", new Commit(), c),
            async (r, c) => await r.ListPromisesAsync("t", 10, 0, c),
            async (r, c) => await r.TryPollTaskAsync("t", wildcard, c),
            async (r, c) => await r.TryPollTaskAsync("t", promise, c),
            async (r, c) => await r.DeletePromisesAsync("t", c),
            async (r, c) => await r.GetPromiseAsync("1", c),
            async (r, c) => await r.InsertPromiseAsync(promise, c),
            async (r, c) => await r.UpsertPromiseAsync(promise, c),
            async (r, c) => await r.DeletePromiseAsync("1", c),
        ];
        return calls.Select((call, i) => new TestCaseData(call).SetArgDisplayNames($"call {i}"));
    }

    [Test]
    public async Task OpenAsync_MongoDbUnreachable_ReturnsAtOnceAndCloseStopsTheIndexCreation()
    {
        var (repository, _, _) = Create(CongoServer.ClosedPort(), Forever);

        var open = repository.OpenAsync(None);

        Assert.That(open.IsCompleted, Is.True, "OpenAsync waits for MongoDB");
        await open;
        await repository.CloseAsync(None).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
    }

    [TestCaseSource(nameof(Requests))]
    public async Task Request_DriverKnowsEveryServerDown_ServiceUnavailableAtOnce(Func<MongoTaskRepository, CancellationToken, Task> call)
    {
        var (repository, client, _) = Create(CongoServer.ClosedPort(), Forever);
        await repository.OpenAsync(None);
        await Eventually.AssertAsync(() => client.Cluster.Description.Servers.All(s => s.HeartbeatException is not null), "the driver's heartbeat failed");

        // Without the fast path the call would wait for server selection until this token gives up.
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var exception = Assert.CatchAsync(() => call(repository, patience.Token));

        Assert.That(exception, Is.TypeOf<ServiceUnavailableException>());
        Assert.That(exception!.Message, Is.EqualTo("service unavailable: the storage engine cannot be reached"));
        await repository.CloseAsync(None);
    }

    [Test]
    public async Task Outage_LoggedOnceWhenItBeginsAndOnceWhenItEnds()
    {
        var port = CongoServer.ClosedPort();
        var (repository, _, logs) = Create(port, TimeSpan.FromMilliseconds(500));
        await repository.OpenAsync(None);

        // Every kind of caller, three rounds: readiness, the chore and its recovery loop, the statistics sampler, requests.
        for (var round = 0; round < 3; round++)
        {
            Assert.ThrowsAsync<ServiceUnavailableException>(async () => await repository.CheckReadyAsync(None));
            Assert.ThrowsAsync<ServiceUnavailableException>(async () => await repository.ChoreAsync(None));
            Assert.ThrowsAsync<ServiceUnavailableException>(async () => await repository.RecoverExpiredAsync(None));
            Assert.ThrowsAsync<ServiceUnavailableException>(async () => await repository.GetStatisticsAsync(None));
            Assert.ThrowsAsync<ServiceUnavailableException>(async () => await repository.ListTopicsAsync(10, 0, None));
            Assert.ThrowsAsync<ServiceUnavailableException>(async () => await repository.InsertTaskAsync(new RatusTask { Id = "1", Topic = "t" }, None));
        }

        var outages = logs.Entries.Where(e => e.EventId.Id == 1204).Select(e => e.Message).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(outages, Has.Count.EqualTo(1));
            Assert.That(outages[0], Does.Contain($"127.0.0.1:{port}: Connection refused"));
            Assert.That(logs.Entries.Where(e => e.Level >= LogLevel.Warning && e.EventId.Id != 1204), Is.Empty);
            Assert.That(logs.Entries.Where(e => e.Exception is not null), Is.Empty);
        }

        using var congo = await CongoServer.StartAsync(port);
        await Eventually.AssertAsync(() => TryAsync(() => repository.CheckReadyAsync(None).AsTask()), "readiness after MongoDB came up");
        for (var round = 0; round < 3; round++)
        {
            await repository.ListTopicsAsync(10, 0, None);
            await repository.ChoreAsync(None);
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(logs.Entries.Count(e => e.EventId.Id == 1204), Is.EqualTo(1));
            Assert.That(logs.Entries.Count(e => e.EventId.Id == 1206), Is.EqualTo(1));
            Assert.That(logs.Entries.Where(e => e.Exception is not null), Is.Empty);
        }

        await repository.CloseAsync(None);
    }

    private (MongoTaskRepository Repository, MongoClient Client, LogCapture Logs) Create(int port, TimeSpan serverSelectionTimeout)
    {
        var settings = MongoClientSettings.FromConnectionString($"mongodb://127.0.0.1:{port}/?directConnection=true");
        settings.ServerSelectionTimeout = serverSelectionTimeout;
        var client = new MongoClient(settings);
        _disposables.Add(client);
        var logs = new LogCapture();
        var repository = new MongoTaskRepository(client, Options.Create(new MongoDbOptions { Database = MongoEnv.NewDatabaseName() }),
            TimeProvider.System, logs.CreateLogger<MongoTaskRepository>());
        return (repository, client, logs);
    }

    private static async Task<bool> TryAsync(Func<Task> call)
    {
        try
        {
            await call();
            return true;
        }
        catch (ServiceUnavailableException)
        {
            return false;
        }
    }
}
