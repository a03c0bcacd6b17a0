using Microsoft.Extensions.Time.Testing;
using Ratus.Application.Abstractions;
using Ratus.Domain.Commits;
using Ratus.Domain.Errors;
using Ratus.Domain.Promises;
using Ratus.Domain.Tasks;
using Ratus.Infrastructure.Tests.Support;
using static Ratus.Infrastructure.Tests.Support.Payloads;

namespace Ratus.Infrastructure.Tests;

/// The engine suite of the original (docs/protocol.md §7.7), run against every engine. A derived fixture supplies an
/// unopened repository; the suite opens it and hands it back to <see cref="TearDownRepositoryAsync"/> at the end.
public abstract class TaskRepositoryContract
{
    private readonly List<ITaskRepository> _created = [];

    protected FakeTimeProvider Time { get; private set; } = null!;

    protected ITaskRepository Repository { get; private set; } = null!;

    /// "n" of the original suite: the fake clock's time when the test started.
    protected DateTime Now { get; private set; }

    protected static CancellationToken None => CancellationToken.None;

    /// What the engines' recovery reported, per topic; derived fixtures hand it to the repositories they create.
    protected RecordingRecoveryObserver Recoveries { get; private set; } = new();

    protected abstract ITaskRepository CreateRepository(FakeTimeProvider time);

    /// Called for every repository the test created, opened or not; engines drop their storage here.
    protected virtual async Task TearDownRepositoryAsync(ITaskRepository repository) => await repository.CloseAsync(None);

    [SetUp]
    public async Task SetUpRepositoryAsync()
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero).AddTicks(1_234_567));
        Now = Time.GetUtcNow().UtcDateTime;
        Recoveries = new RecordingRecoveryObserver();
        Repository = Create();
        await Repository.OpenAsync(None);
    }

    [TearDown]
    public async Task TearDownRepositoriesAsync()
    {
        foreach (var repository in _created)
        {
            await TearDownRepositoryAsync(repository);
        }

        _created.Clear();
    }

    protected ITaskRepository Create()
    {
        var repository = CreateRepository(Time);
        _created.Add(repository);
        return repository;
    }

    protected RatusTask NewTask(string id, string topic = "test", string? payload = null) => new()
    {
        Id = id,
        Topic = topic,
        Produced = Now,
        Scheduled = Now,
        Payload = payload is null ? null : Json(payload),
    };

    protected Promise Wildcard(DateTime? deadline = null) => new("", "consumer", deadline ?? Now.AddMinutes(10));

    // Trace context (an addition of this server): stored as sent, returned by claims, kept by commits, replaced by upserts.

    [Test]
    public async Task TraceParent_StoredClaimedCommittedAndReplacedByUpsert()
    {
        const string producer = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        const string other = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";
        await Repository.InsertTaskAsync(NewTask("1") with { TraceParent = producer }, None);
        await Repository.InsertTasksAsync([NewTask("2") with { TraceParent = other }, NewTask("3")], None);

        Assert.That((await Repository.GetTaskAsync("1", None)).TraceParent, Is.EqualTo(producer));
        Assert.That((await Repository.GetTaskAsync("3", None)).TraceParent, Is.Null);
        Assert.That((await Repository.ListTasksAsync("test", 10, 0, None)).Select(t => t.TraceParent), Is.EquivalentTo(new[] { producer, other, null }));

        var claimed = await Repository.InsertPromiseAsync(new Promise("1", "c", Now.AddMinutes(1)), None);
        Assert.That(claimed.TraceParent, Is.EqualTo(producer));
        var committed = await Repository.CommitTaskAsync("1", new Commit { Nonce = claimed.Nonce, Topic = "moved" }, None);
        Assert.That(committed.TraceParent, Is.EqualTo(producer));
        Assert.That((await Repository.UpsertPromiseAsync(new Promise("2", "c", Now.AddMinutes(1)), None)).TraceParent, Is.EqualTo(other));

        await Repository.UpsertTaskAsync(NewTask("1"), None);
        Assert.That((await Repository.GetTaskAsync("1", None)).TraceParent, Is.Null, "an upsert replaces every field");
        await Repository.UpsertTasksAsync([NewTask("2") with { TraceParent = producer }], None);
        Assert.That((await Repository.GetTaskAsync("2", None)).TraceParent, Is.EqualTo(producer));
        var polled = await Repository.PollTaskAsync("test", Wildcard(), None);
        Assert.That(polled.TraceParent, Is.EqualTo(polled.Id == "2" ? producer : null));
    }

    // Setup

    [Test]
    public async Task CheckReadyAsync_BeforeAndAfterOpen_UnavailableThenReady()
    {
        var repository = Create();

        Assert.ThrowsAsync<ServiceUnavailableException>(async () => await repository.CheckReadyAsync(None));
        await repository.OpenAsync(None);
        Assert.DoesNotThrowAsync(async () => await repository.CheckReadyAsync(None));
    }

    // Blank state (32–37)

    [Test]
    public void ChoreAsync_BlankState_Succeeds() =>
        Assert.DoesNotThrowAsync(async () => await Repository.ChoreAsync(None));

    [Test]
    public void PollTaskAsync_BlankState_ThrowsNotFound() =>
        Assert.ThrowsAsync<NotFoundException>(async () => await Repository.PollTaskAsync("test", Wildcard(), None));

    [Test]
    public async Task TryPollTaskAsync_NothingDue_NullWithoutThrowing()
    {
        await Repository.InsertTasksAsync([NewTask("later") with { Scheduled = Now.AddMinutes(1) }, NewTask("other", "elsewhere")], None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Repository.TryPollTaskAsync("test", Wildcard(), None), Is.Null);
            Assert.That(await Repository.TryPollTaskAsync("empty", Wildcard(), None), Is.Null);
            Assert.That((await Repository.TryPollTaskAsync("elsewhere", Wildcard(), None))?.Id, Is.EqualTo("other"));
            Assert.ThrowsAsync<NotFoundException>(
                async () => await Repository.TryPollTaskAsync("test", Wildcard() with { Id = "missing" }, None),
                "a promise that names a task is a claim by ID");
        }
    }

    [Test]
    public void CommitTaskAsync_BlankState_ThrowsNotFound() =>
        Assert.ThrowsAsync<NotFoundException>(async () => await Repository.CommitTaskAsync("foo", new Commit(), None));

    [Test]
    public async Task Topics_BlankState_EmptyAndNothingDeleted()
    {
        Assert.That(await Repository.ListTopicsAsync(10, 0, None), Is.Empty);
        Assert.ThrowsAsync<NotFoundException>(async () => await Repository.GetTopicAsync("test", None));
        Assert.That((await Repository.DeleteTopicAsync("test", None)).Deleted, Is.Zero);
        Assert.That((await Repository.DeleteTopicsAsync(None)).Deleted, Is.Zero);
    }

    [Test]
    public async Task Tasks_BlankState_EmptyAndNothingDeleted()
    {
        Assert.That(await Repository.ListTasksAsync("test", 10, 0, None), Is.Empty);
        Assert.ThrowsAsync<NotFoundException>(async () => await Repository.GetTaskAsync("foo", None));
        Assert.That((await Repository.DeleteTaskAsync("foo", None)).Deleted, Is.Zero);
        Assert.That((await Repository.DeleteTasksAsync("test", None)).Deleted, Is.Zero);
    }

    [Test]
    public async Task Promises_BlankState_EmptyAndNothingDeleted()
    {
        Assert.That(await Repository.ListPromisesAsync("test", 10, 0, None), Is.Empty);
        Assert.ThrowsAsync<NotFoundException>(async () => await Repository.GetPromiseAsync("foo", None));
        Assert.That((await Repository.DeletePromiseAsync("foo", None)).Deleted, Is.Zero);
        Assert.That((await Repository.DeletePromisesAsync("test", None)).Deleted, Is.Zero);
    }

    // Sequential (38–44)

    [Test]
    public async Task Sequential_InsertClaimRecoverPollCommitDelete_BehavesLikeOriginal()
    {
        // 38: insert, bulk insert-ignore, duplicate insert.
        Assert.That((await Repository.InsertTaskAsync(NewTask("1", payload: "\"a\""), None)).Created, Is.EqualTo(1));
        var bulk = await Repository.InsertTasksAsync([NewTask("1", payload: "\"xxx\""), NewTask("2", payload: "\"b\"")], None);
        Assert.That(bulk.Created, Is.EqualTo(1));
        var duplicate = Assert.ThrowsAsync<ConflictException>(async () => await Repository.InsertTaskAsync(NewTask("1"), None));
        Assert.That(duplicate.Message, Does.Contain(ConflictException.DuplicateId));
        Assert.That(Text((await Repository.GetTaskAsync("1", None)).Payload), Is.EqualTo("\"a\""));
        Assert.That((await Repository.GetTopicAsync("test", None)).Count, Is.EqualTo(2));

        // 39: claims by ID.
        Assert.That((await Repository.InsertPromiseAsync(new Promise("1", null, Now), None)).State, Is.EqualTo(TaskState.Active));
        var notPending = Assert.ThrowsAsync<ConflictException>(async () => await Repository.InsertPromiseAsync(new Promise("1", null, Now), None));
        Assert.That(notPending.Message, Does.Contain(ConflictException.NotPending));
        Assert.ThrowsAsync<NotFoundException>(async () => await Repository.InsertPromiseAsync(new Promise("xxx", null, Now), None));
        Assert.That((await Repository.GetPromiseAsync("1", None)).Deadline?.UtcDateTime, Is.EqualTo(Now).Within(TimeSpan.FromSeconds(1)));
        Assert.That((await Repository.UpsertPromiseAsync(new Promise("2", null, Now), None)).State, Is.EqualTo(TaskState.Active));
        Assert.ThrowsAsync<NotFoundException>(async () => await Repository.UpsertPromiseAsync(new Promise("xxx", null, Now), None));
        Assert.That((await Repository.GetPromiseAsync("2", None)).Deadline?.UtcDateTime, Is.EqualTo(Now).Within(TimeSpan.FromSeconds(1)));

        // 40: the deadlines have passed, so the chore recovers both. The fake clock stands still, so move it a tick:
        // memdb recovers deadline <= now but MongoDB deadline < now.
        Time.Advance(TimeSpan.FromMilliseconds(1));
        await Repository.ChoreAsync(None);
        Assert.ThrowsAsync<NotFoundException>(async () => await Repository.GetPromiseAsync("1", None));

        // 41
        await Repository.PollTaskAsync("test", Wildcard(), None);
        await Repository.PollTaskAsync("test", Wildcard(), None);
        Assert.That(await Repository.ListPromisesAsync("test", 10, 0, None), Has.Count.EqualTo(2));

        // 42: commits.
        var mismatch = Assert.ThrowsAsync<ConflictException>(async () => await Repository.CommitTaskAsync("1", new Commit { Nonce = "xxx" }, None));
        Assert.That(mismatch.Message, Does.Contain(ConflictException.NonceMismatch));
        Assert.ThrowsAsync<NotFoundException>(async () => await Repository.CommitTaskAsync("xxx", new Commit(), None));
        var nonce = (await Repository.GetTaskAsync("1", None)).Nonce;
        Assert.That(nonce, Is.Not.Empty);
        var commit = new Commit { Nonce = nonce, Topic = "completed", State = TaskState.Completed, Scheduled = Now, Payload = Json("\"completed\"") };
        var committed = await Repository.CommitTaskAsync("1", commit, None);
        Assert.That(Text(committed.Payload), Is.EqualTo("\"completed\""));
        Assert.ThrowsAsync<ConflictException>(async () => await Repository.CommitTaskAsync("1", commit, None));

        // 43–44
        Assert.That(await Repository.ListTopicsAsync(10, 0, None), Has.Count.EqualTo(2));
        Assert.That((await Repository.DeleteTopicAsync("completed", None)).Deleted, Is.EqualTo(1));
        Assert.That((await Repository.DeleteTopicsAsync(None)).Deleted, Is.EqualTo(1));
        Assert.That((await Repository.DeleteTopicsAsync(None)).Deleted, Is.Zero);
    }

    // Concurrent (45–53), three callers each

    [Test]
    public async Task InsertTaskAsync_ThreeConcurrent_AtLeastOneConflict()
    {
        var outcomes = Concurrently.Run(3, _ => Repository.InsertTaskAsync(NewTask("1"), None));

        Assert.That(outcomes.Count(o => o.Error is ConflictException), Is.GreaterThanOrEqualTo(1));
        Assert.That(await Repository.ListTasksAsync("test", 10, 0, None), Has.Count.EqualTo(1));
        Assert.That((await Repository.DeleteTaskAsync("1", None)).Deleted, Is.EqualTo(1));
    }

    [Test]
    public async Task UpsertTaskAsync_ThreeConcurrent_AllSucceed()
    {
        var outcomes = Concurrently.Run(3, _ => Repository.UpsertTaskAsync(NewTask("1"), None));

        Assert.That(outcomes.Select(o => o.Error), Is.All.Null);
        Assert.That(await Repository.ListTasksAsync("test", 10, 0, None), Has.Count.EqualTo(1));
        Assert.That((await Repository.DeleteTasksAsync("test", None)).Deleted, Is.EqualTo(1));
    }

    [Test]
    public async Task InsertTasksAsync_ThreeConcurrent_CreatedSumsToTwo()
    {
        var outcomes = Concurrently.Run(3, _ => Repository.InsertTasksAsync([NewTask("1"), NewTask("2")], None));

        Assert.That(outcomes.Select(o => o.Error), Is.All.Null);
        Assert.That(outcomes.Sum(o => o.Value!.Created), Is.EqualTo(2));
        Assert.That(await Repository.ListTasksAsync("test", 10, 0, None), Has.Count.EqualTo(2));
        Assert.That((await Repository.DeleteTopicAsync("test", None)).Deleted, Is.EqualTo(2));
    }

    [Test]
    public async Task UpsertTasksAsync_ThreeConcurrent_AllSucceed()
    {
        var outcomes = Concurrently.Run(3, _ => Repository.UpsertTasksAsync([NewTask("1"), NewTask("2")], None));

        Assert.That(outcomes.Select(o => o.Error), Is.All.Null);
        Assert.That(await Repository.ListTasksAsync("test", 10, 0, None), Has.Count.EqualTo(2));
        Assert.That((await Repository.DeleteTopicsAsync(None)).Deleted, Is.EqualTo(2));
    }

    [Test]
    public async Task InsertPromiseAsync_ThreeConcurrent_AtLeastOneConflict()
    {
        await Repository.InsertTaskAsync(NewTask("1"), None);

        var outcomes = Concurrently.Run(3, _ => Repository.InsertPromiseAsync(new Promise("1", null, Now), None));

        Assert.That(outcomes.Count(o => o.Error is ConflictException), Is.GreaterThanOrEqualTo(1));
        Assert.That((await Repository.GetPromiseAsync("1", None)).Deadline?.UtcDateTime, Is.EqualTo(Now).Within(TimeSpan.FromSeconds(1)));
        Assert.That((await Repository.GetTaskAsync("1", None)).State, Is.EqualTo(TaskState.Active));
        Assert.That((await Repository.DeletePromiseAsync("1", None)).Deleted, Is.EqualTo(1));
        Assert.That((await Repository.GetTaskAsync("1", None)).State, Is.EqualTo(TaskState.Pending));
        Assert.That((await Repository.DeleteTaskAsync("1", None)).Deleted, Is.EqualTo(1));
    }

    [Test]
    public async Task UpsertPromiseAsync_ThreeConcurrent_AllSucceed()
    {
        await Repository.InsertTaskAsync(NewTask("1"), None);

        var outcomes = Concurrently.Run(3, _ => Repository.UpsertPromiseAsync(new Promise("1", null, Now), None));

        Assert.That(outcomes.Select(o => o.Error), Is.All.Null);
        Assert.That((await Repository.GetTaskAsync("1", None)).State, Is.EqualTo(TaskState.Active));
        Assert.That((await Repository.DeletePromisesAsync("test", None)).Deleted, Is.EqualTo(1));
        Assert.That((await Repository.GetTaskAsync("1", None)).State, Is.EqualTo(TaskState.Pending));
        Assert.That((await Repository.DeleteTasksAsync("test", None)).Deleted, Is.EqualTo(1));
    }

    [Test]
    public async Task PollTaskAsync_ThreeConcurrentOnTwoTasks_OneNotFound()
    {
        await Repository.InsertTaskAsync(NewTask("1"), None);
        await Repository.InsertTaskAsync(NewTask("2"), None);

        // docs/protocol.md, D3: a deadline of n would already be due, so the next poll could recover it; promise a minute instead
        // and move the clock past it before the chore.
        var outcomes = Concurrently.Run(3, _ => Repository.PollTaskAsync("test", Wildcard(Now.AddMinutes(1)), None));

        Assert.That(outcomes.Count(o => o.Error is NotFoundException), Is.EqualTo(1));
        Assert.That(outcomes.Where(o => o.Succeeded).Select(o => o.Value!.Id), Is.EquivalentTo(new[] { "1", "2" }));
        Assert.That(await Repository.ListPromisesAsync("test", 10, 0, None), Has.Count.EqualTo(2));
        Time.Advance(TimeSpan.FromMinutes(2));
        await Repository.ChoreAsync(None);
        Assert.That(await Repository.ListPromisesAsync("test", 10, 0, None), Is.Empty);
        Assert.That((await Repository.DeleteTopicAsync("test", None)).Deleted, Is.EqualTo(2));
    }

    [Test]
    public async Task CommitTaskAsync_ThreeConcurrentWithInsertedNonce_AtLeastOneConflict()
    {
        await Repository.InsertTaskAsync(NewTask("1") with { Nonce = "k" }, None);
        var commit = new Commit { Nonce = "k", Topic = "archived", State = TaskState.Archived, Scheduled = Now, Payload = Json("\"archived\"") };

        var outcomes = Concurrently.Run(3, _ => Repository.CommitTaskAsync("1", commit, None));

        Assert.That(outcomes.Count(o => o.Error is ConflictException), Is.GreaterThanOrEqualTo(1));
        var task = await Repository.GetTaskAsync("1", None);
        Assert.That(task.State, Is.EqualTo(TaskState.Archived));
        Assert.That(Text(task.Payload), Is.EqualTo("\"archived\""));
        Assert.That((await Repository.DeleteTasksAsync("archived", None)).Deleted, Is.EqualTo(1));
        Assert.That((await Repository.DeleteTopicsAsync(None)).Deleted, Is.Zero);
    }

    // Schedule (54)

    [Test]
    public async Task PollTaskAsync_TaskScheduledInFuture_NotClaimedUntilDue()
    {
        await Repository.InsertTaskAsync(NewTask("1"), None);
        await Repository.InsertTaskAsync(NewTask("2") with { Scheduled = Now.AddMilliseconds(100) }, None);

        Assert.That((await Repository.PollTaskAsync("test", Wildcard(), None)).Id, Is.EqualTo("1"));
        Assert.ThrowsAsync<NotFoundException>(async () => await Repository.PollTaskAsync("test", Wildcard(), None));
        Time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.That((await Repository.PollTaskAsync("test", Wildcard(), None)).Id, Is.EqualTo("2"));
        Assert.That((await Repository.DeleteTaskAsync("2", None)).Deleted, Is.EqualTo(1));
    }

    // Pagination (55–58)

    [Test]
    public async Task Lists_Paged_ReturnRequestedSlice()
    {
        var active = (string id, string topic) => NewTask(id, topic) with { State = TaskState.Active, Deadline = Now.AddHours(1) };
        await Repository.InsertTasksAsync([active("1", "a"), active("2", "b"), active("3", "c"), active("4", "c")], None);

        Assert.That(await Repository.ListTopicsAsync(1, 1, None), Has.Count.EqualTo(1));
        Assert.That(await Repository.ListTopicsAsync(10, 10, None), Is.Empty);
        Assert.That(await Repository.ListTasksAsync("c", 1, 1, None), Has.Count.EqualTo(1));
        Assert.That(await Repository.ListTasksAsync("c", 10, 10, None), Is.Empty);
        Assert.That(await Repository.ListPromisesAsync("c", 1, 1, None), Has.Count.EqualTo(1));
        Assert.That(await Repository.ListPromisesAsync("c", 10, 10, None), Is.Empty);
        Assert.That((await Repository.DeleteTopicsAsync(None)).Deleted, Is.EqualTo(4));
    }

    // Payload (59)

    [Test]
    public async Task GetTaskAsync_EveryPayloadKind_RoundTrips()
    {
        string?[] payloads =
        [
            null,
            "true",
            "123",
            "3.14",
            "\"hello\"",
            "[1,2,\"a\"]",
            "{\"empty\":null,\"bool\":true,\"int\":123,\"float\":3.14,\"string\":\"hello\",\"array\":[1,2,\"a\"],\"map\":{\"k\":\"v\"}}",
        ];
        var tasks = payloads.Select((payload, i) => NewTask($"{i + 1}", payload: payload) with { State = TaskState.Active }).ToList();
        foreach (var task in tasks)
        {
            await Repository.InsertTaskAsync(task, None);
        }

        foreach (var expected in tasks)
        {
            var actual = await Repository.GetTaskAsync(expected.Id, None);
            Assert.That(actual.Id, Is.EqualTo(expected.Id));
            Assert.That(actual.State, Is.EqualTo(expected.State));
            Assert.That(actual.Scheduled?.UtcDateTime, Is.EqualTo(Now).Within(TimeSpan.FromMilliseconds(10)));
            Assert.That(Text(actual.Payload), Is.EqualTo(Text(expected.Payload)));
        }

        Assert.That((await Repository.DeleteTopicsAsync(None)).Deleted, Is.EqualTo(7));
    }

    // Statistics (queue gauges) and per-topic recovery counts

    [Test]
    public async Task GetStatisticsAsync_CountsByStateDueAndOldestDuePerTopic()
    {
        Assert.That(await Repository.GetStatisticsAsync(None), Is.Empty);

        await Repository.InsertTasksAsync(
        [
            NewTask("1", "a") with { Scheduled = Now.AddSeconds(-30) },
            NewTask("2", "a") with { Scheduled = Now.AddSeconds(-10) },
            NewTask("3", "a") with { Scheduled = Now.AddHours(1) },
            NewTask("4", "a") with { State = TaskState.Completed },
            NewTask("5", "a") with { State = TaskState.Archived },
            NewTask("6", "b") with { Scheduled = Now.AddMilliseconds(1) },
        ], None);
        await Repository.PollTaskAsync("a", Wildcard(), None);

        var statistics = await StatisticsAsync();

        Assert.That(statistics, Is.EqualTo(new[]
        {
            new TopicStatistics("a", Pending: 2, Due: 1, Active: 1, Completed: 1, Archived: 1, OldestDueScheduled: Millisecond(Now.AddSeconds(-10))),
            new TopicStatistics("b", Pending: 1, Due: 0, Active: 0, Completed: 0, Archived: 0, OldestDueScheduled: null),
        }));
    }

    [Test]
    public async Task GetStatisticsAsync_FollowsTimeCommitsAndDeletes()
    {
        await Repository.InsertTasksAsync([NewTask("1", "a"), NewTask("2", "a") with { Scheduled = Now.AddSeconds(5) }], None);
        var claimed = await Repository.PollTaskAsync("a", Wildcard(), None);
        await Repository.CommitTaskAsync(claimed.Id, new Commit { Nonce = claimed.Nonce, Topic = "b" }, None);
        Time.Advance(TimeSpan.FromSeconds(5));

        var statistics = await StatisticsAsync();
        await Repository.DeleteTopicAsync("a", None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(statistics, Is.EqualTo(new[]
            {
                new TopicStatistics("a", 1, 1, 0, 0, 0, Millisecond(Now.AddSeconds(5))),
                new TopicStatistics("b", 0, 0, 0, 1, 0, null),
            }));
            Assert.That((await Repository.GetStatisticsAsync(None)).Select(s => s.Topic), Is.EqualTo(new[] { "b" }));
        }
    }

    // MongoDB keeps times to the millisecond.
    private static DateTime Millisecond(DateTime time) => new(time.Ticks - time.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);

    private async Task<TopicStatistics[]> StatisticsAsync() =>
    [
        .. (await Repository.GetStatisticsAsync(None)).Select(s => s with
        {
            OldestDueScheduled = s.OldestDueScheduled is { } oldest ? Millisecond(oldest) : null,
        }),
    ];

    [Test]
    public async Task RecoverExpiredAsync_ReportsRecoveredClaimsPerTopic()
    {
        await Repository.InsertTasksAsync([NewTask("1", "a"), NewTask("2", "a"), NewTask("3", "b"), NewTask("4", "b")], None);
        await Repository.PollTaskAsync("a", Wildcard(Now.AddSeconds(1)), None);
        await Repository.PollTaskAsync("a", Wildcard(Now.AddSeconds(1)), None);
        await Repository.PollTaskAsync("b", Wildcard(Now.AddSeconds(1)), None);
        await Repository.PollTaskAsync("b", Wildcard(Now.AddMinutes(1)), None);
        Assert.That(Recoveries.ByTopic, Is.Empty);

        Time.Advance(TimeSpan.FromSeconds(2));

        Assert.That(await Repository.RecoverExpiredAsync(None), Is.EqualTo(3));
        Assert.That(Recoveries.ByTopic, Is.EqualTo(new Dictionary<string, long> { ["a"] = 2, ["b"] = 1 }));
        Assert.That(await Repository.RecoverExpiredAsync(None), Is.Zero);
        Assert.That(Recoveries.ByTopic, Is.EqualTo(new Dictionary<string, long> { ["a"] = 2, ["b"] = 1 }));
    }
}

/// Sums what an engine's recovery reports, per topic.
public sealed class RecordingRecoveryObserver : ITaskRecoveryObserver
{
    private readonly Dictionary<string, long> _byTopic = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, long> ByTopic
    {
        get
        {
            lock (_byTopic)
            {
                return new Dictionary<string, long>(_byTopic);
            }
        }
    }

    public void OnRecovered(string topic, long count)
    {
        lock (_byTopic)
        {
            _byTopic[topic] = _byTopic.GetValueOrDefault(topic) + count;
        }
    }
}
