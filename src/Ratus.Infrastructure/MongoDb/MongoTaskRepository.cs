using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MongoDB.Bson;
using MongoDB.Driver;
using Ratus.Application.Abstractions;
using Ratus.Domain.Commits;
using Ratus.Domain.Errors;
using Ratus.Domain.Promises;
using Ratus.Domain.Tasks;
using Ratus.Domain.Time;
using Ratus.Domain.Topics;
using static Ratus.Infrastructure.MongoDb.MongoTaskDocument;
using DeleteResult = Ratus.Domain.Common.DeleteResult;
using UpdateResult = Ratus.Domain.Common.UpdateResult;

namespace Ratus.Infrastructure.MongoDb;

/// The mongodb engine: one collection, one document per task (docs/protocol.md §3.11), the same observable behaviour as memdb.
/// Claims and commits are single atomic <c>findOneAndUpdate</c> calls; where a sharded deployment refuses them (codes
/// 61 and 31025) the engine switches, per operation, to the optimistic "peek, then update if unchanged" fallback.
/// "Now" is this node's clock (<see cref="TimeProvider"/>), truncated to the millisecond like every stored time.
public sealed class MongoTaskRepository(
    IMongoClient client,
    IOptions<MongoDbOptions> options,
    TimeProvider timeProvider,
    ILogger<MongoTaskRepository> logger,
    ITaskRecoveryObserver? recoveryObserver = null) : ITaskRepository
{
    private const int NotOpened = 0;
    private const int Opened = 1;
    private const int Closed = 2;

    private const int DuplicateKey = 11000;
    private const int ShardKeyNotFound = 61;
    private const int ShardKeyRequired = 31025;

    // The readiness ping must answer well within a probe's timeout.
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(2);

    // How often a poll recovers expired promises itself (docs/protocol.md, D3), on top of the chore's recovery loop: recovering
    // before every poll cost a second round trip per poll; once per interval keeps docs/protocol.md, D3 on a node whose chore is off.
    private static readonly TimeSpan PollRecoveryInterval = TimeSpan.FromMilliseconds(250);

    private readonly MongoDbOptions _options = options.Value;
    private readonly IMongoCollection<BsonDocument> _collection =
        client.GetDatabase(options.Value.Database).GetCollection<BsonDocument>(options.Value.Collection);

    private readonly SemaphoreSlim _indexGate = new(1, 1);
    private readonly MongoReachability _reachability = new(client, logger);
    private readonly CancellationTokenSource _closing = new();
    private Task _indexing = Task.CompletedTask;
    private volatile bool _indexFailureLogged;
    private volatile int _status = NotOpened;
    private volatile bool _indexesPending;
    private volatile bool _hintPoll;
    private int _fallbacks = options.Value.DisableAtomicPoll ? (int)Operations.Poll : 0;
    private long _nextPollRecovery;

    [Flags]
    internal enum Operations
    {
        None = 0,
        Poll = 1,
        InsertPromise = 2,
        UpsertPromise = 4,
        Commit = 8,
        Upsert = 16,
        All = Poll | InsertPromise | UpsertPromise | Commit | Upsert,
    }

    internal IMongoCollection<BsonDocument> Collection => _collection;

    internal bool UsesFallback(Operations operation) => (Volatile.Read(ref _fallbacks) & (int)operation) != 0;

    /// Tests only: take the fallback paths from the start (docs/protocol.md §3.11).
    internal void ForceFallback(Operations operations) => Interlocked.Or(ref _fallbacks, (int)operations);

    /// Returns at once: the indexes are created (or updated) in the background, so that start-up, and with it the HTTP
    /// listener, never waits for MongoDB, which may be down. Until they are in place <see cref="CheckReadyAsync"/>
    /// answers 503; while MongoDB cannot be reached, the chore and every readiness check try again.
    public ValueTask OpenAsync(CancellationToken cancellationToken)
    {
        _indexesPending = true;
        _status = Opened;
        _indexing = Task.Run(() => TryEnsureIndexesAsync(_closing.Token), CancellationToken.None);
        return ValueTask.CompletedTask;
    }

    public async ValueTask CloseAsync(CancellationToken cancellationToken)
    {
        // The client is shared and owned by the container; only the background index creation is this engine's.
        _status = Closed;
        await _closing.CancelAsync();
        await _indexing.WaitAsync(cancellationToken);
    }

    public async ValueTask CheckReadyAsync(CancellationToken cancellationToken)
    {
        if (_status != Opened)
        {
            throw new ServiceUnavailableException();
        }

        // A real ping even while MongoDB is known to be down: its server selection makes the driver check again.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PingTimeout);
        try
        {
            await client.GetDatabase("admin").RunCommandAsync<BsonDocument>(
                new BsonDocument("ping", 1), ReadPreference.Primary, timeout.Token);
        }
        catch (Exception exception) when (MongoReachability.IsOutage(exception)
                                              || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            _reachability.Lost(exception);
            throw new ServiceUnavailableException();
        }

        _reachability.Reached();
        if (_indexesPending && !await TryEnsureIndexesAsync(timeout.Token))
        {
            throw new ServiceUnavailableException();
        }
    }

    /// Recovery only: MongoDB's TTL monitor deletes completed tasks past retention. Indexes that could not be created
    /// at start-up (MongoDB was down) are created by the first chore that reaches it.
    public async ValueTask ChoreAsync(CancellationToken cancellationToken)
    {
        if (_indexesPending)
        {
            await TryEnsureIndexesAsync(cancellationToken);
        }

        var recovered = await RecoverExpiredAsync(cancellationToken);
        MongoDbLog.ChoreCompleted(logger, recovered);
    }

    /// One UpdateMany over the <c>deadline_1</c> index: active tasks whose deadline is due go back to pending with
    /// no nonce, keeping consumer, consumed and deadline (docs/protocol.md §3.3, D3). With a recovery observer, a find over the
    /// same index first learns the topics of the expired tasks (and skips the update when there are none); when
    /// another node recovers some of them in between, the per-topic counts are trimmed to what this node modified.
    public async ValueTask<long> RecoverExpiredAsync(CancellationToken cancellationToken) => await ObserveAsync(async () =>
    {
        var filter = Filter.Eq(State, (int)TaskState.Active) & Filter.Lte(Deadline, ToBson(Now()));
        if (recoveryObserver is null)
        {
            return (await _collection.UpdateManyAsync(filter, ToPending, cancellationToken: cancellationToken)).ModifiedCount;
        }

        var expired = await _collection.Find(filter)
            .Project(Builders<BsonDocument>.Projection.Include(MongoTaskDocument.Topic))
            .ToListAsync(cancellationToken);
        if (expired.Count == 0)
        {
            return 0;
        }

        var ids = expired.Select(d => d[Id]).ToArray();
        var result = await _collection.UpdateManyAsync(filter & Filter.In(Id, ids), ToPending, cancellationToken: cancellationToken);
        var remaining = result.ModifiedCount;
        foreach (var group in expired.GroupBy(d => d.GetValue(MongoTaskDocument.Topic, "").ToString()!, StringComparer.Ordinal))
        {
            var count = Math.Min(remaining, group.LongCount());
            if (count > 0)
            {
                recoveryObserver.OnRecovered(group.Key, count);
                remaining -= count;
            }
        }

        return result.ModifiedCount;
    });

    /// One aggregation: a $group by topic that counts each state, the due pending tasks, and the earliest due time.
    public async ValueTask<IReadOnlyList<TopicStatistics>> GetStatisticsAsync(CancellationToken cancellationToken) => await ObserveAsync(async () =>
    {
        var now = ToBson(Now());
        var state = "$" + State;
        var due = new BsonDocument("$and", new BsonArray
        {
            new BsonDocument("$eq", new BsonArray { state, (int)TaskState.Pending }),
            new BsonDocument("$lte", new BsonArray { "$" + Scheduled, now }),
        });
        BsonDocument CountIf(BsonValue condition) =>
            new("$sum", new BsonDocument("$cond", new BsonArray { condition, 1, 0 }));
        BsonDocument StateIs(TaskState value) => new("$eq", new BsonArray { state, (int)value });

        BsonDocument[] pipeline =
        [
            new("$group", new BsonDocument
            {
                { Id, "$" + MongoTaskDocument.Topic },
                { "pending", CountIf(StateIs(TaskState.Pending)) },
                { "due", CountIf(due) },
                { "active", CountIf(StateIs(TaskState.Active)) },
                { "completed", CountIf(StateIs(TaskState.Completed)) },
                { "archived", CountIf(StateIs(TaskState.Archived)) },
                { "oldestDue", new BsonDocument("$min", new BsonDocument("$cond", new BsonArray { due, "$" + Scheduled, BsonNull.Value })) },
            }),
            new("$sort", new BsonDocument(Id, 1)),
        ];
        using var cursor = await _collection.AggregateAsync<BsonDocument>(pipeline, cancellationToken: cancellationToken);
        var groups = await cursor.ToListAsync(cancellationToken);
        return (IReadOnlyList<TopicStatistics>)
        [
            .. groups.Where(g => g[Id].IsString).Select(g => new TopicStatistics(
                g[Id].AsString,
                g["pending"].ToInt64(),
                g["due"].ToInt64(),
                g["active"].ToInt64(),
                g["completed"].ToInt64(),
                g["archived"].ToInt64(),
                g.GetValue("oldestDue", BsonNull.Value) is BsonDateTime oldest ? oldest.ToUniversalTime() : null)),
        ];
    });

    public async ValueTask<IReadOnlyList<Topic>> ListTopicsAsync(int limit, int offset, CancellationToken cancellationToken)
    {
        CheckPage(limit, offset);
        if (limit == 0)
        {
            return [];
        }

        BsonDocument[] pipeline =
        [
            new("$group", new BsonDocument(Id, "$" + MongoTaskDocument.Topic)),
            new("$sort", new BsonDocument(Id, 1)),
            new("$skip", offset),
            new("$limit", limit),
        ];
        return await RequestAsync(async () =>
        {
            using var cursor = await _collection.AggregateAsync<BsonDocument>(pipeline, cancellationToken: cancellationToken);
            var groups = await cursor.ToListAsync(cancellationToken);
            return (IReadOnlyList<Topic>)[.. groups.Where(g => g[Id].IsString).Select(g => new Topic(g[Id].AsString))];
        });
    }

    public async ValueTask<DeleteResult> DeleteTopicsAsync(CancellationToken cancellationToken) =>
        await RequestAsync(async () => new DeleteResult((await _collection.DeleteManyAsync(Filter.Empty, cancellationToken)).DeletedCount));

    public async ValueTask<Topic> GetTopicAsync(string topic, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topic);
        var count = await RequestAsync(() => _collection.CountDocumentsAsync(Filter.Eq(MongoTaskDocument.Topic, topic), cancellationToken: cancellationToken));
        return count > 0 ? new Topic(topic, count) : throw new NotFoundException();
    }

    public async ValueTask<DeleteResult> DeleteTopicAsync(string topic, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topic);
        var result = await RequestAsync(() => _collection.DeleteManyAsync(Filter.Eq(MongoTaskDocument.Topic, topic), cancellationToken));
        return new DeleteResult(result.DeletedCount);
    }

    public async ValueTask<IReadOnlyList<RatusTask>> ListTasksAsync(string topic, int limit, int offset, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topic);
        var documents = await RequestAsync(() => FindPageAsync(Filter.Eq(MongoTaskDocument.Topic, topic), limit, offset, cancellationToken));
        return [.. documents.Select(FromBson)];
    }

    public async ValueTask<UpdateResult> InsertTasksAsync(IReadOnlyList<RatusTask> tasks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        if (tasks.Count == 0)
        {
            return new UpdateResult(0, 0);
        }

        return await RequestAsync(async () =>
        {
            try
            {
                await _collection.InsertManyAsync(tasks.Select(ToBson), new InsertManyOptions { IsOrdered = false }, cancellationToken);
                return new UpdateResult(tasks.Count, 0);
            }
            catch (MongoBulkWriteException<BsonDocument> exception)
                when (exception.WriteConcernError is null && exception.WriteErrors.All(e => e.Code == DuplicateKey))
            {
                // Unordered: every other document was inserted; existing IDs and later duplicates were skipped.
                return new UpdateResult(tasks.Count - exception.WriteErrors.Count, 0);
            }
        });
    }

    public async ValueTask<UpdateResult> UpsertTasksAsync(IReadOnlyList<RatusTask> tasks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        if (tasks.Count == 0)
        {
            return new UpdateResult(0, 0);
        }

        return await RequestAsync(() => WithFallbackAsync(
            Operations.Upsert,
            () => UpsertAtomicAsync(tasks, cancellationToken),
            () => UpsertFallbackAsync(tasks, cancellationToken)));
    }

    public ValueTask<DeleteResult> DeleteTasksAsync(string topic, CancellationToken cancellationToken) =>
        DeleteTopicAsync(topic, cancellationToken);

    public async ValueTask<RatusTask> GetTaskAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        return await RequestAsync(() => FindAsync(ById(id), cancellationToken)) is { } document ? FromBson(document) : throw new NotFoundException();
    }

    public async ValueTask<UpdateResult> InsertTaskAsync(RatusTask task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        return await RequestAsync(async () =>
        {
            try
            {
                await _collection.InsertOneAsync(ToBson(task), cancellationToken: cancellationToken);
                return new UpdateResult(1, 0);
            }
            catch (MongoWriteException exception) when (exception.WriteError?.Category == ServerErrorCategory.DuplicateKey)
            {
                throw new ConflictException(ConflictException.DuplicateId);
            }
        });
    }

    public ValueTask<UpdateResult> UpsertTaskAsync(RatusTask task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        return UpsertTasksAsync([task], cancellationToken);
    }

    public async ValueTask<DeleteResult> DeleteTaskAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        return new DeleteResult((await RequestAsync(() => _collection.DeleteOneAsync(ById(id), cancellationToken))).DeletedCount);
    }

    public async ValueTask<RatusTask> CommitTaskAsync(string id, Commit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(commit);
        return await RequestAsync(() => WithFallbackAsync(
            Operations.Commit,
            () => CommitAtomicAsync(id, commit, cancellationToken),
            () => CommitFallbackAsync(id, commit, cancellationToken)));
    }

    public async ValueTask<IReadOnlyList<Promise>> ListPromisesAsync(string topic, int limit, int offset, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topic);
        var filter = Filter.Eq(MongoTaskDocument.Topic, topic) & Filter.Eq(State, (int)TaskState.Active);
        var documents = await RequestAsync(() => FindPageAsync(filter, limit, offset, cancellationToken));
        return [.. documents.Select(d => ToPromise(FromBson(d)))];
    }

    public async ValueTask<RatusTask?> TryPollTaskAsync(string topic, Promise promise, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(promise);
        if (!string.IsNullOrEmpty(promise.Id))
        {
            // A wildcard promise that names a task is a claim by ID, whatever the topic (docs/protocol.md §2.4).
            return await InsertPromiseAsync(promise, cancellationToken);
        }

        return await RequestAsync(async () =>
        {
            // docs/protocol.md, D3: expired promises become claimable before the background recovery comes round.
            if (PollRecoveryDue())
            {
                await RecoverExpiredAsync(cancellationToken);
            }

            return await WithFallbackAsync(
                Operations.Poll,
                () => PollAtomicAsync(topic, promise, cancellationToken),
                () => PollFallbackAsync(topic, promise, cancellationToken));
        });
    }

    public async ValueTask<DeleteResult> DeletePromisesAsync(string topic, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topic);
        var filter = Filter.Eq(MongoTaskDocument.Topic, topic) & Filter.Eq(State, (int)TaskState.Active);
        var result = await RequestAsync(() => _collection.UpdateManyAsync(filter, ToPending, cancellationToken: cancellationToken));
        return new DeleteResult(result.MatchedCount);
    }

    public async ValueTask<Promise> GetPromiseAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        var document = await RequestAsync(() => FindAsync(ById(id) & Filter.Eq(State, (int)TaskState.Active), cancellationToken));
        return document is not null ? ToPromise(FromBson(document)) : throw new NotFoundException();
    }

    public async ValueTask<RatusTask> InsertPromiseAsync(Promise promise, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(promise);
        return await RequestAsync(() => WithFallbackAsync(
            Operations.InsertPromise,
            () => InsertPromiseAtomicAsync(promise, cancellationToken),
            () => InsertPromiseFallbackAsync(promise, cancellationToken)));
    }

    public async ValueTask<RatusTask> UpsertPromiseAsync(Promise promise, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(promise);
        return await RequestAsync(() => WithFallbackAsync(
            Operations.UpsertPromise,
            () => UpsertPromiseAtomicAsync(promise, cancellationToken),
            () => UpsertPromiseFallbackAsync(promise, cancellationToken)));
    }

    public async ValueTask<DeleteResult> DeletePromiseAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        var result = await RequestAsync(() => _collection.UpdateOneAsync(ById(id) & Filter.Eq(State, (int)TaskState.Active), ToPending, cancellationToken: cancellationToken));
        return new DeleteResult(result.MatchedCount);
    }

    private static FilterDefinitionBuilder<BsonDocument> Filter => Builders<BsonDocument>.Filter;

    private static UpdateDefinitionBuilder<BsonDocument> Update => Builders<BsonDocument>.Update;

    // Recovery and promise deletion keep consumer, consumed and deadline (docs/protocol.md §3.3, §3.6).
    private static UpdateDefinition<BsonDocument> ToPending =>
        Update.Set(State, (int)TaskState.Pending).Set(MongoTaskDocument.Nonce, "");

    private static FilterDefinition<BsonDocument> ById(string id) => Filter.Eq(Id, id);

    private static void CheckPage(int limit, int offset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
    }

    private static Promise ToPromise(RatusTask task) => new(task.Id, task.Consumer, task.Deadline);

    private static bool IsShardKeyError(MongoException exception) => exception switch
    {
        MongoCommandException command => command.Code is ShardKeyNotFound or ShardKeyRequired,
        MongoWriteException write => write.WriteError?.Code is ShardKeyNotFound or ShardKeyRequired,
        MongoBulkWriteException bulk => bulk.WriteErrors.Any(e => e.Code is ShardKeyNotFound or ShardKeyRequired),
        _ => false,
    };

    private static bool IsDuplicateKey(MongoException exception) => exception switch
    {
        MongoCommandException command => command.Code == DuplicateKey,
        MongoWriteException write => write.WriteError?.Code == DuplicateKey,
        _ => false,
    };

    private DateTime Now() => timeProvider.GetUtcNow().UtcDateTime;

    // True for one poll per PollRecoveryInterval on this node.
    private bool PollRecoveryDue()
    {
        var now = Now().Ticks;
        var due = Interlocked.Read(ref _nextPollRecovery);
        return now >= due && Interlocked.CompareExchange(ref _nextPollRecovery, now + PollRecoveryInterval.Ticks, due) == due;
    }

    private async Task EnsureIndexesAsync(CancellationToken cancellationToken)
    {
        await _indexGate.WaitAsync(cancellationToken);
        try
        {
            if (!_indexesPending)
            {
                return;
            }

            var names = _options.DisableIndexCreation
                ? await MongoIndexes.NamesAsync(_collection, cancellationToken)
                : await MongoIndexes.EnsureAsync(_collection, _options.RetentionPeriod, cancellationToken);
            _hintPoll = names.Contains(MongoIndexes.TopicScheduled);
            _indexesPending = false;
            _indexFailureLogged = false;
            if (!_options.DisableIndexCreation)
            {
                MongoDbLog.IndexesEnsured(logger, _collection.CollectionNamespace.FullName, MongoIndexes.TtlSeconds(_options.RetentionPeriod));
            }
        }
        finally
        {
            _indexGate.Release();
        }
    }

    /// Creates the indexes, or says why not: an outage is reported by <see cref="MongoReachability"/>, any other
    /// failure (an existing index with other options, say) is logged once until the indexes are in place.
    private async Task<bool> TryEnsureIndexesAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ObserveAsync(async () =>
            {
                await EnsureIndexesAsync(cancellationToken);
                return true;
            });
            return true;
        }
        catch (ServiceUnavailableException)
        {
            // Logged once when the outage began; the next chore or readiness check tries again.
            return false;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Closing, or the readiness check's time is up; the next one tries again.
            return false;
        }
        catch (MongoException exception)
        {
            if (!_indexFailureLogged)
            {
                _indexFailureLogged = true;
                MongoDbLog.IndexesFailed(logger, _collection.CollectionNamespace.FullName, exception);
            }

            return false;
        }
    }

    /// A request's call: refused at once while the driver knows MongoDB to be unreachable, instead of waiting out the
    /// server-selection timeout. Background jobs and readiness go to the driver (<see cref="ObserveAsync"/>): their
    /// server selection is what makes it check again, so MongoDB's return is noticed within about a second.
    private Task<T> RequestAsync<T>(Func<Task<T>> operation)
    {
        _reachability.ThrowIfKnownUnreachable();
        return ObserveAsync(operation);
    }

    /// The driver's outage failures (server selection timed out, connection refused or lost, primary stepped down)
    /// become <see cref="ServiceUnavailableException"/>, a 503; the outage is logged once when it begins and once when
    /// it ends, not once per failed call.
    private async Task<T> ObserveAsync<T>(Func<Task<T>> operation)
    {
        try
        {
            var result = await operation();
            _reachability.Reached();
            return result;
        }
        catch (Exception exception) when (MongoReachability.IsOutage(exception))
        {
            throw _reachability.Lost(exception);
        }
    }

    /// Runs the atomic path unless this operation has switched to the fallback; switches for good the first time
    /// the server refuses the atomic path for a sharded collection (codes 61 and 31025), unless that is turned off.
    private async Task<T> WithFallbackAsync<T>(Operations operation, Func<Task<T>> atomic, Func<Task<T>> fallback)
    {
        if (UsesFallback(operation))
        {
            return await fallback();
        }

        try
        {
            return await atomic();
        }
        catch (MongoException exception) when (!_options.DisableAutoFallback && IsShardKeyError(exception))
        {
            Interlocked.Or(ref _fallbacks, (int)operation);
            MongoDbLog.FallbackEnabled(logger, operation.ToString(), exception is MongoCommandException c ? c.Code : ShardKeyNotFound);
            return await fallback();
        }
    }

    private async Task<BsonDocument?> FindAsync(FilterDefinition<BsonDocument> filter, CancellationToken cancellationToken) =>
        await _collection.Find(filter).Limit(1).FirstOrDefaultAsync(cancellationToken);

    private async Task<List<BsonDocument>> FindPageAsync(
        FilterDefinition<BsonDocument> filter, int limit, int offset, CancellationToken cancellationToken)
    {
        CheckPage(limit, offset);

        // Limit(0) would mean "no limit" to MongoDB.
        if (limit == 0)
        {
            return [];
        }

        return await _collection.Find(filter).Sort(Builders<BsonDocument>.Sort.Ascending(Id)).Skip(offset).Limit(limit)
            .ToListAsync(cancellationToken);
    }

    private UpdateDefinition<BsonDocument> Claim(Promise promise, DateTime now, string nonce)
    {
        var update = Update.Set(State, (int)TaskState.Active).Set(MongoTaskDocument.Nonce, nonce).Set(Consumed, ToBson(now));
        update = string.IsNullOrEmpty(promise.Consumer) ? update.Unset(Consumer) : update.Set(Consumer, promise.Consumer);
        return promise.Deadline is { } deadline ? update.Set(Deadline, ToBson(deadline)) : update.Unset(Deadline);
    }

    private FilterDefinition<BsonDocument> DueIn(string topic) =>
        Filter.Eq(MongoTaskDocument.Topic, topic) & Filter.Eq(State, (int)TaskState.Pending) & Filter.Lte(Scheduled, ToBson(Now()));

    private static SortDefinition<BsonDocument> PollOrder => Builders<BsonDocument>.Sort.Ascending(Scheduled).Ascending(Id);

    // Atomic paths

    private async Task<RatusTask?> PollAtomicAsync(string topic, Promise promise, CancellationToken cancellationToken)
    {
        var options = new FindOneAndUpdateOptions<BsonDocument>
        {
            Sort = PollOrder,
            ReturnDocument = ReturnDocument.After,
            Hint = _hintPoll ? new BsonString(MongoIndexes.TopicScheduled) : null,
        };
        var document = await _collection.FindOneAndUpdateAsync(DueIn(topic), Claim(promise, Now(), Domain.Tasks.Nonce.Generate()), options, cancellationToken);
        return document is not null ? FromBson(document) : null;
    }

    private async Task<RatusTask> InsertPromiseAtomicAsync(Promise promise, CancellationToken cancellationToken)
    {
        var filter = ById(promise.Id) & Filter.Eq(State, (int)TaskState.Pending);
        var document = await _collection.FindOneAndUpdateAsync(filter, Claim(promise, Now(), Domain.Tasks.Nonce.Generate()), After, cancellationToken);
        if (document is not null)
        {
            return FromBson(document);
        }

        return await FindAsync(ById(promise.Id), cancellationToken) is null
            ? throw new NotFoundException()
            : throw new ConflictException(ConflictException.NotPending);
    }

    private async Task<RatusTask> UpsertPromiseAtomicAsync(Promise promise, CancellationToken cancellationToken)
    {
        var document = await _collection.FindOneAndUpdateAsync(ById(promise.Id), Claim(promise, Now(), Domain.Tasks.Nonce.Generate()), After, cancellationToken);
        return document is not null ? FromBson(document) : throw new NotFoundException();
    }

    private async Task<RatusTask> CommitAtomicAsync(string id, Commit commit, CancellationToken cancellationToken)
    {
        var filter = ById(id);
        if (commit.Nonce.Length > 0)
        {
            filter &= Filter.Eq(MongoTaskDocument.Nonce, commit.Nonce);
        }

        var document = await _collection.FindOneAndUpdateAsync(filter, Committed(commit), After, cancellationToken);
        if (document is not null)
        {
            return FromBson(document);
        }

        // The 404-versus-409 rule: the ID exists, so the nonce did not match.
        return commit.Nonce.Length > 0 && await FindAsync(ById(id), cancellationToken) is not null
            ? throw new ConflictException(ConflictException.NonceMismatch)
            : throw new NotFoundException();
    }

    /// Full replacements by ID in one ordered bulk write, so a later element of the batch wins. Counted like memdb:
    /// an element that replaces an existing document (identical or not, or an earlier element) is updated.
    private async Task<UpdateResult> UpsertAtomicAsync(IReadOnlyList<RatusTask> tasks, CancellationToken cancellationToken)
    {
        long created = 0;
        long updated = 0;
        var start = 0;
        var duplicates = 0;
        while (start < tasks.Count)
        {
            var models = tasks.Skip(start)
                .Select(t => new ReplaceOneModel<BsonDocument>(ById(t.Id), ToBson(t)) { IsUpsert = true })
                .ToList();
            try
            {
                var result = await _collection.BulkWriteAsync(models, new BulkWriteOptions { IsOrdered = true }, cancellationToken);
                return new UpdateResult(created + result.Upserts.Count, updated + result.MatchedCount);
            }
            catch (MongoBulkWriteException<BsonDocument> exception)
                when (exception.WriteConcernError is null && exception.WriteErrors is [{ Code: DuplicateKey } error] && ++duplicates <= tasks.Count + 3)
            {
                // Two upserts of a new ID raced and this one lost the insert: replay from the failed element,
                // which now finds the document and replaces it.
                created += exception.Result.Upserts.Count;
                updated += exception.Result.MatchedCount;
                start += error.Index;
            }
        }

        return new UpdateResult(created, updated);
    }

    // Fallback paths (docs/protocol.md §3.11): peek, then update only if the document is unchanged.

    private async Task<RatusTask?> PollFallbackAsync(string topic, Promise promise, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var now = Now();
            var peeked = await _collection.Find(DueIn(topic)).Sort(PollOrder).Limit(1).FirstOrDefaultAsync(cancellationToken);
            if (peeked is null)
            {
                return null;
            }

            var task = FromBson(peeked);
            if (await TryClaimUnchangedAsync(task, promise, now, cancellationToken) is { } claimed)
            {
                return claimed;
            }

            // Lost the race for this task: take the next one.
        }
    }

    private async Task<RatusTask> InsertPromiseFallbackAsync(Promise promise, CancellationToken cancellationToken)
    {
        var task = await GetTaskAsync(promise.Id, cancellationToken);
        if (task.State != TaskState.Pending)
        {
            throw new ConflictException(ConflictException.NotPending);
        }

        return await TryClaimUnchangedAsync(task, promise, Now(), cancellationToken)
            ?? throw new ConflictException(ConflictException.NotPending);
    }

    private async Task<RatusTask> UpsertPromiseFallbackAsync(Promise promise, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var task = await GetTaskAsync(promise.Id, cancellationToken);
            if (await TryClaimUnchangedAsync(task, promise, Now(), cancellationToken) is { } claimed)
            {
                return claimed;
            }
        }
    }

    private async Task<RatusTask> CommitFallbackAsync(string id, Commit commit, CancellationToken cancellationToken)
    {
        var task = await GetTaskAsync(id, cancellationToken);
        if (commit.Nonce.Length > 0 && !string.Equals(commit.Nonce, task.Nonce, StringComparison.Ordinal))
        {
            throw new ConflictException(ConflictException.NonceMismatch);
        }

        var result = await _collection.UpdateOneAsync(Unchanged(task), Committed(commit), cancellationToken: cancellationToken);
        if (result.MatchedCount == 0)
        {
            throw new ConflictException(ConflictException.NonceMismatch);
        }

        return task with
        {
            Nonce = "",
            Topic = string.IsNullOrEmpty(commit.Topic) ? task.Topic : commit.Topic,
            State = commit.State,
            Scheduled = commit.Scheduled is { } scheduled ? Truncate(scheduled) : task.Scheduled,
            Payload = commit.Payload ?? task.Payload,
        };
    }

    /// Delete by IDs, then insert-ignore (docs/protocol.md §3.11): not atomic, but it needs no filter on the shard key. The last
    /// element of the batch for an ID wins, and the counts match memdb's.
    private async Task<UpdateResult> UpsertFallbackAsync(IReadOnlyList<RatusTask> tasks, CancellationToken cancellationToken)
    {
        var last = new Dictionary<string, RatusTask>(StringComparer.Ordinal);
        foreach (var task in tasks)
        {
            last[task.Id] = task;
        }

        var deleted = (await _collection.DeleteManyAsync(Filter.In(Id, last.Keys), cancellationToken)).DeletedCount;
        var inserted = await InsertTasksAsync([.. last.Values], cancellationToken);
        var repeats = tasks.Count - last.Count;
        return new UpdateResult(inserted.Created - Math.Min(deleted, inserted.Created), Math.Min(deleted, inserted.Created) + repeats);
    }

    private FilterDefinition<BsonDocument> Unchanged(RatusTask task)
    {
        var filter = ById(task.Id) & Filter.Eq(MongoTaskDocument.Topic, task.Topic) & Filter.Eq(State, (int)task.State)
            & Filter.Eq(MongoTaskDocument.Nonce, task.Nonce);
        return task.Scheduled is { } scheduled ? filter & Filter.Eq(Scheduled, ToBson(scheduled)) : filter & Filter.Exists(Scheduled, false);
    }

    private async Task<RatusTask?> TryClaimUnchangedAsync(RatusTask task, Promise promise, DateTime now, CancellationToken cancellationToken)
    {
        var nonce = Domain.Tasks.Nonce.Generate();
        var result = await _collection.UpdateOneAsync(Unchanged(task), Claim(promise, now, nonce), cancellationToken: cancellationToken);
        if (result.MatchedCount == 0)
        {
            return null;
        }

        return task with
        {
            State = TaskState.Active,
            Nonce = nonce,
            Consumer = string.IsNullOrEmpty(promise.Consumer) ? null : promise.Consumer,
            Consumed = Truncate(now),
            Deadline = promise.Deadline is { } deadline ? Truncate(deadline) : null,
        };
    }

    private static DateTime Truncate(Timestamp time) => ToBson(time).ToUniversalTime();

    private static FindOneAndUpdateOptions<BsonDocument> After => new() { ReturnDocument = ReturnDocument.After };

    private static UpdateDefinition<BsonDocument> Committed(Commit commit)
    {
        var update = Update.Set(MongoTaskDocument.Nonce, "").Set(State, (int)commit.State);
        if (!string.IsNullOrEmpty(commit.Topic))
        {
            update = update.Set(MongoTaskDocument.Topic, commit.Topic);
        }

        if (commit.Scheduled is { } scheduled)
        {
            update = update.Set(Scheduled, ToBson(scheduled));
        }

        if (commit.Payload is { } payload)
        {
            update = update.Set(MongoTaskDocument.Payload, ToBson(payload));
        }

        return update;
    }
}
