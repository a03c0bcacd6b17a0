using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MongoDB.Bson;
using MongoDB.Driver;
using Ratus.Application.Abstractions;
using Ratus.Domain.Commits;
using Ratus.Domain.Errors;
using Ratus.Domain.Promises;
using Ratus.Domain.Tasks;
using Ratus.Domain.Time;
using Ratus.Infrastructure.MongoDb;
using Ratus.Infrastructure.Tests.Support;
using static Ratus.Infrastructure.Tests.Support.Payloads;

namespace Ratus.Infrastructure.Tests.MongoDb;

/// The engine contract on MongoDB in both modes of docs/protocol.md §3.11: the atomic paths with the automatic fallback off,
/// and every fallback path forced. Each test gets its own database, dropped afterwards.
[TestFixture(false)]
[TestFixture(true)]
[NonParallelizable]
public sealed class MongoTaskRepositoryTests(bool fallback) : TaskRepositoryContract
{
    // The contract's fake clock stands in 2024 while a TTL monitor (and the CongoDB sweeper, which ignores partial
    // filters) uses the real clock: keep completed tasks for the longest TTL MongoDB accepts, about 68 years.
    private static readonly TimeSpan LongRetention = TimeSpan.FromSeconds(int.MaxValue);

    private static readonly Lazy<MongoClient> SharedClient = new(() => MongoEnv.CreateClient(MongoEnv.Require()));

    private string? _database;
    private string? _databaseTest;

    private static MongoClient Client => SharedClient.Value;

    private string Database
    {
        get
        {
            // The contract creates the repository in its [SetUp], before any [SetUp] of this class runs.
            var test = TestContext.CurrentContext.Test.ID;
            if (_database is null || _databaseTest != test)
            {
                _database = MongoEnv.NewDatabaseName();
                _databaseTest = test;
            }

            return _database;
        }
    }

    protected override ITaskRepository CreateRepository(FakeTimeProvider time)
    {
        MongoEnv.Require();
        var repository = CreateMongo(new MongoDbOptions { Database = Database, RetentionPeriod = LongRetention }, time, observer: Recoveries);
        if (fallback)
        {
            repository.ForceFallback(MongoTaskRepository.Operations.All);
        }
        else
        {
            Assert.That(repository.UsesFallback(MongoTaskRepository.Operations.Poll), Is.False);
        }

        return repository;
    }

    protected override async Task TearDownRepositoryAsync(ITaskRepository repository)
    {
        await repository.CloseAsync(None);
        if (_database is not null)
        {
            await Client.DropDatabaseAsync(_database);
        }
    }

    private MongoTaskRepository CreateMongo(
        MongoDbOptions options, TimeProvider? time = null, IMongoClient? client = null, ITaskRecoveryObserver? observer = null) =>
        new(client ?? Client, Options.Create(options), time ?? Time, NullLogger<MongoTaskRepository>.Instance, observer);

    private static async Task<List<BsonDocument>> IndexesAsync(MongoTaskRepository repository)
    {
        try
        {
            using var cursor = await repository.Collection.Indexes.ListAsync();
            return await cursor.ToListAsync();
        }
        catch (MongoCommandException)
        {
            // The collection does not exist yet.
            return [];
        }
    }

    private static int? TtlOf(List<BsonDocument> indexes) =>
        indexes.FirstOrDefault(i => i["name"] == "consumed_1") is { } index && index.TryGetValue("expireAfterSeconds", out var ttl)
            ? ttl.ToInt32()
            : null;

    // docs/protocol.md, D3 without a recovery query per poll: a poll recovers expired claims at most once per 250 ms of this node's
    // clock; the chore's recovery loop does the rest.
    [Test]
    public async Task PollTaskAsync_RecoversExpiredClaims_AtMostOncePer250Milliseconds()
    {
        await Repository.InsertTaskAsync(NewTask("1"), None);
        await Repository.PollTaskAsync("test", ClaimFor(TimeSpan.FromSeconds(1)), None); // recovers nothing, claims 1
        Time.Advance(TimeSpan.FromSeconds(2));
        var reclaimed = await Repository.PollTaskAsync("test", ClaimFor(TimeSpan.FromMilliseconds(100)), None);
        Time.Advance(TimeSpan.FromMilliseconds(200));

        // Expired 100 ms ago, but the last recovery by a poll was 200 ms ago.
        Assert.ThrowsAsync<NotFoundException>(async () => await Repository.PollTaskAsync("test", ClaimFor(TimeSpan.FromSeconds(1)), None));
        Time.Advance(TimeSpan.FromMilliseconds(50));
        var again = await Repository.PollTaskAsync("test", ClaimFor(TimeSpan.FromSeconds(1)), None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reclaimed.Id, Is.EqualTo("1"));
            Assert.That(again.Id, Is.EqualTo("1"));
            Assert.That(Recoveries.ByTopic["test"], Is.EqualTo(2));
        }
    }

    private Promise ClaimFor(TimeSpan timeout) => Wildcard(Time.GetUtcNow().UtcDateTime + timeout);

    // Indexes (docs/protocol.md §3.11). OpenAsync creates them in the background (start-up never waits for MongoDB); readiness
    // implies they are in place.

    [Test]
    public async Task OpenAsync_IndexCreationDisabled_AtMostTheIdIndex()
    {
        var repository = CreateMongo(new MongoDbOptions { Database = Database, Collection = "plain", DisableIndexCreation = true });
        await repository.OpenAsync(None);
        await repository.CheckReadyAsync(None);
        await repository.InsertTaskAsync(NewTask("1"), None);

        Assert.That(await IndexesAsync(repository), Has.Count.LessThanOrEqualTo(1));
    }

    [Test]
    public async Task OpenAsync_RetentionChanged_SixIndexesAndTheTtlUpdatedInPlace()
    {
        var first = CreateMongo(new MongoDbOptions { Database = Database, Collection = "indexes", RetentionPeriod = TimeSpan.FromSeconds(3) });
        await first.OpenAsync(None);
        await first.CheckReadyAsync(None);
        var indexes = await IndexesAsync(first);
        Assert.That(indexes.Select(i => i["name"].AsString), Is.EquivalentTo(new[]
        {
            "_id_", "topic_hashed", "topic_1_scheduled_1", "deadline_1", "topic_1", "consumed_1",
        }));
        Assert.That(TtlOf(indexes), Is.EqualTo(3));

        // collMod changes the TTL of the existing index; 7.5 s truncates to 7.
        var reopened = CreateMongo(new MongoDbOptions { Database = Database, Collection = "indexes", RetentionPeriod = TimeSpan.FromSeconds(7.5) });
        await reopened.OpenAsync(None);
        Assert.DoesNotThrowAsync(async () => await reopened.CheckReadyAsync(None));
        indexes = await IndexesAsync(reopened);
        Assert.That(indexes, Has.Count.EqualTo(6));
        MongoEnv.IgnoreOnCongo("collMod (it acknowledges the command and leaves the TTL unchanged)");
        Assert.That(TtlOf(indexes), Is.EqualTo(7));
    }

    [Test]
    public async Task OpenAsync_PartialFilters_OnlyTheirStatesAreIndexed()
    {
        MongoEnv.IgnoreOnCongo("partial indexes (partialFilterExpression is dropped)");
        var repository = CreateMongo(new MongoDbOptions { Database = Database, Collection = "partial", RetentionPeriod = LongRetention });
        await repository.OpenAsync(None);
        await repository.CheckReadyAsync(None);

        var indexes = await IndexesAsync(repository);
        var filters = indexes.Where(i => i.Contains("partialFilterExpression"))
            .ToDictionary(i => i["name"].AsString, i => i["partialFilterExpression"]["state"].ToInt32());
        Assert.That(filters, Is.EquivalentTo(new Dictionary<string, int>
        {
            ["topic_1_scheduled_1"] = 0, ["deadline_1"] = 1, ["topic_1"] = 1, ["consumed_1"] = 2,
        }));
    }

    // Readiness

    [Test]
    public async Task CheckReadyAsync_ServerUnreachable_UnavailableButOpens()
    {
        // Nothing listens on a port we just had the system hand out and released.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var settings = MongoClientSettings.FromConnectionString($"mongodb://127.0.0.1:{port}/?directConnection=true");
        settings.ServerSelectionTimeout = TimeSpan.FromMilliseconds(500);
        using var unreachable = new MongoClient(settings);
        var repository = CreateMongo(new MongoDbOptions { Database = Database }, client: unreachable);

        Assert.DoesNotThrowAsync(async () => await repository.OpenAsync(None));
        Assert.ThrowsAsync<ServiceUnavailableException>(async () => await repository.CheckReadyAsync(None));
    }

    // Behaviour that must match memdb exactly

    [Test]
    public async Task PollTaskAsync_SameMillisecond_TakesIdsInOrderThenLaterMilliseconds()
    {
        var ms = new DateTime(Now.Ticks - (Now.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc).AddMilliseconds(-10);
        await Repository.InsertTasksAsync(
        [
            NewTask("b") with { Scheduled = ms.AddTicks(9) },
            NewTask("a") with { Scheduled = ms.AddTicks(1) },
            NewTask("c") with { Scheduled = ms.AddTicks(5) },
            NewTask("0") with { Scheduled = ms.AddMilliseconds(2) },
        ], None);

        var order = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            order.Add((await Repository.PollTaskAsync("test", Wildcard(), None)).Id);
        }

        Assert.That(order, Is.EqualTo(new[] { "a", "b", "c", "0" }));
    }

    [Test]
    public async Task PollTaskAsync_OnlyAnotherTopicHasPendingTasks_NotFound()
    {
        await Repository.InsertTaskAsync(NewTask("1", "beta"), None);

        Assert.ThrowsAsync<NotFoundException>(async () => await Repository.PollTaskAsync("alpha", Wildcard(), None));
    }

    [Test]
    public async Task PollTaskAsync_ExpiredPromise_RecoveredBeforePollingKeepingClaimFields()
    {
        await Repository.InsertTaskAsync(NewTask("1"), None);
        var claimed = await Repository.PollTaskAsync("test", new Promise("", "first", Now.AddSeconds(1)), None);

        Time.Advance(TimeSpan.FromSeconds(1));
        var reclaimed = await Repository.PollTaskAsync("test", new Promise("", "second", Now.AddMinutes(1)), None);

        Assert.That(reclaimed.Id, Is.EqualTo("1"));
        Assert.That(reclaimed.Nonce, Is.Not.EqualTo(claimed.Nonce));
        Assert.That(reclaimed.Consumer, Is.EqualTo("second"));
    }

    [Test]
    public async Task RecoverExpiredAsync_DueDeadline_PendingWithoutNonceKeepingConsumerConsumedAndDeadline()
    {
        await Repository.InsertTaskAsync(NewTask("1"), None);
        var claimed = await Repository.PollTaskAsync("test", new Promise("", "worker", Now.AddSeconds(1)), None);

        Assert.That(await Repository.RecoverExpiredAsync(None), Is.Zero);
        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(await Repository.RecoverExpiredAsync(None), Is.EqualTo(1));

        var task = await Repository.GetTaskAsync("1", None);
        Assert.Multiple(() =>
        {
            Assert.That(task.State, Is.EqualTo(TaskState.Pending));
            Assert.That(task.Nonce, Is.Empty);
            Assert.That(task.Consumer, Is.EqualTo("worker"));
            Assert.That(task.Consumed, Is.EqualTo(claimed.Consumed));
            Assert.That(task.Deadline, Is.EqualTo(claimed.Deadline));
        });
    }

    [Test]
    public async Task UpsertTasksAsync_IdenticalReplacementAndRepeatedId_CountedAsUpdatedLikeMemDb()
    {
        var task = NewTask("1", payload: "1");
        Assert.That(await Repository.UpsertTaskAsync(task, None), Is.EqualTo(new Domain.Common.UpdateResult(1, 0)));
        Assert.That(await Repository.UpsertTaskAsync(task, None), Is.EqualTo(new Domain.Common.UpdateResult(0, 1)));

        var result = await Repository.UpsertTasksAsync([NewTask("2", payload: "2"), NewTask("2", payload: "3"), task], None);

        Assert.That(result, Is.EqualTo(new Domain.Common.UpdateResult(1, 2)));
        Assert.That(Text((await Repository.GetTaskAsync("2", None)).Payload), Is.EqualTo("3"));
    }

    [Test]
    public async Task UpsertTaskAsync_OtherTopic_MovesTheTask()
    {
        await Repository.InsertTaskAsync(NewTask("1", "a"), None);

        await Repository.UpsertTaskAsync(NewTask("1", "b"), None);

        Assert.That((await Repository.GetTaskAsync("1", None)).Topic, Is.EqualTo("b"));
        Assert.That(await Repository.ListTopicsAsync(10, 0, None), Has.Count.EqualTo(1));
    }

    // Payload fidelity (docs/protocol.md, D4)

    [Test]
    public async Task GetTaskAsync_PayloadWithExactNumbersAndKeyOrder_ReturnedByteForByte()
    {
        const string payload = "{\"z\":12345678901234567890,\"a\":1.0,\"s\":\"<&>\\u00e9\",\"n\":null}";
        await Repository.InsertTaskAsync(NewTask("1", payload: payload), None);

        Assert.That(Text((await Repository.GetTaskAsync("1", None)).Payload), Is.EqualTo(payload));
    }

    [Test]
    public async Task GetTaskAsync_DocumentWrittenByTheOriginal_PayloadReadAsJson()
    {
        // The Go server stores the decoded JSON value: numbers as doubles, objects as embedded documents.
        var repository = (MongoTaskRepository)Repository;
        await repository.Collection.InsertOneAsync(new BsonDocument
        {
            { "_id", "go" },
            { "topic", "test" },
            { "state", 0 },
            { "nonce", "" },
            { "produced", new BsonDateTime(Now) },
            { "scheduled", new BsonDateTime(Now) },
            {
                "payload", new BsonDocument
                {
                    { "float", 3.14 }, { "int", 123.0 }, { "string", "hello" }, { "bool", true }, { "empty", BsonNull.Value },
                    { "array", new BsonArray { 1.0, 2.0, "a" } }, { "map", new BsonDocument("k", "v") },
                }
            },
        });

        var task = await Repository.GetTaskAsync("go", None);

        Assert.That(Text(task.Payload),
            Is.EqualTo("{\"float\":3.14,\"int\":123,\"string\":\"hello\",\"bool\":true,\"empty\":null,\"array\":[1,2,\"a\"],\"map\":{\"k\":\"v\"}}"));
        Assert.That(task.Scheduled?.UtcDateTime, Is.EqualTo(Now).Within(TimeSpan.FromMilliseconds(1)));
    }

    // BSON dates keep milliseconds: every time of a task is stored truncated, nanoseconds and all (README "MongoDB"),
    // on the atomic paths and the fallbacks alike.
    [Test]
    public async Task Times_WithNanoseconds_AreTruncatedToTheMillisecond()
    {
        var millisecond = new DateTime(Now.Ticks - Now.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
        Timestamp Late(DateTime time) => new(time.Ticks + TimeSpan.TicksPerMillisecond - 1, 99);
        var later = millisecond.AddHours(1);
        await Repository.InsertTaskAsync(NewTask("1") with
        {
            Produced = Late(millisecond), Scheduled = Late(millisecond), Consumed = Late(millisecond), Deadline = Late(millisecond),
        }, None);
        var stored = await Repository.GetTaskAsync("1", None);
        var claimed = await Repository.InsertPromiseAsync(new Promise("1", "c", Late(later)), None);
        var committed = await Repository.CommitTaskAsync(
            "1", new Commit { Nonce = claimed.Nonce, State = TaskState.Pending, Scheduled = Late(later) }, None);
        var read = await Repository.GetTaskAsync("1", None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(new[] { stored.Produced, stored.Scheduled, stored.Consumed, stored.Deadline },
                Is.All.EqualTo((Timestamp)millisecond));
            Assert.That(claimed.Deadline, Is.EqualTo((Timestamp)later));
            Assert.That(committed.Scheduled, Is.EqualTo((Timestamp)later));
            Assert.That(read.Scheduled, Is.EqualTo((Timestamp)later));
            Assert.That(read.Deadline, Is.EqualTo((Timestamp)later));
        }
    }
}
