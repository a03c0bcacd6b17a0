using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ratus.Application.Abstractions;
using Ratus.Domain.Commits;
using Ratus.Domain.Common;
using Ratus.Domain.Errors;
using Ratus.Domain.Promises;
using Ratus.Domain.Tasks;
using Ratus.Domain.Time;
using Ratus.Domain.Topics;

namespace Ratus.Infrastructure.InMemory;

/// The memdb engine. One lock serialises every operation, so each is atomic and linearizable. Tasks are
/// immutable records: a change stores a new record (<c>with</c>), and callers only ever see records nobody mutates.
/// Every change goes through <see cref="Put"/> or <see cref="Remove"/>, which keep the indexes in step and feed the journal.
/// With the append-only log on, every lock section that changes anything ends in <see cref="TryCommit"/>: the changes
/// are written to the log before the lock is released, or undone when the log refuses them, so what readers see is
/// always what a restart would recover.
public sealed class InMemoryTaskRepository(
    IOptions<MemDbOptions> options,
    TimeProvider timeProvider,
    ILogger<InMemoryTaskRepository> logger,
    ITaskJournal? journal = null,
    ITaskRecoveryObserver? recoveryObserver = null,
    IStorageFailureObserver? failureObserver = null) : ITaskRepository
{
    private const int NotOpened = 0;
    private const int Opened = 1;
    private const int Closed = 2;
    private const int UndoCapacity = 1024;

    private readonly MemDbOptions _options = options.Value;
    private readonly Lock _gate = new();
    private readonly Lock _snapshotGate = new();

    private readonly Dictionary<string, RatusTask> _tasks = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, TopicIndex> _topics = new(StringComparer.Ordinal);

    // Active tasks that have a deadline, by (deadline ticks, ID): recovery reads from the head to the tick of "now".
    private readonly SortedChunks<TimeKey, ComparableComparer<TimeKey>> _deadlines = new();

    // Completed tasks that have a consumed time, by (consumed ticks, ID): retention purges read from the head to the
    // tick of the cutoff.
    private readonly SortedChunks<TimeKey, ComparableComparer<TimeKey>> _completed = new();

    // With the log on, what each change of the current lock section replaced (null: nothing), to undo the section when
    // the log refuses it; guarded by _gate.
    private readonly List<(string Id, RatusTask? Before)> _undo = [];

    private volatile int _status = NotOpened;

    // Guarded by _snapshotGate.
    private DateTime? _lastSnapshot;

    // Set once in OpenAsync; appended to inside _gate.
    private AppendOnlyLog? _aof;

    // The log sequence of the latest change; guarded by _gate.
    private long _sequence;

    // The last snapshot failure, until a snapshot succeeds.
    private volatile Exception? _snapshotFailure;

    private string SnapshotPath => _options.EffectiveSnapshotPath;

    internal AppendOnlyLog? Log => _aof;

    /// Tests: the files of the append-only log, to simulate a full or failing disk.
    internal IAofStorage AofStorage { get; init; } = FileAofStorage.Instance;

    public ValueTask OpenAsync(CancellationToken cancellationToken)
    {
        long generation = 0;
        var snapshotFound = false;
        if (!string.IsNullOrEmpty(SnapshotPath))
        {
            var stopwatch = Stopwatch.StartNew();
            var snapshot = SnapshotFile.ReadWithGeneration(SnapshotPath);
            if (snapshot is var (tasks, logGeneration))
            {
                Load(tasks);
                generation = logGeneration;
                snapshotFound = true;
                MemDbLog.SnapshotLoaded(logger, tasks.Count, SnapshotPath, stopwatch.ElapsedMilliseconds);
            }
        }

        if (!string.IsNullOrEmpty(_options.AofPath))
        {
            var stopwatch = Stopwatch.StartNew();
            long replayed = 0;
            lock (_gate)
            {
                _aof = AppendOnlyLog.Open(
                    _options, generation, snapshotFound, logger, AofStorage, failureObserver, change =>
                    {
                        replayed++;
                        if (change.Kind == TaskChangeKind.Put)
                        {
                            Put(change.Task!, record: false);
                        }
                        else
                        {
                            Remove(change.Id, record: false);
                        }
                    });
            }

            _aof.CompactionNeeded = () => _ = Task.Run(() => TryWriteSnapshot(onlyWhenDue: false, onlyWhenOpen: true, out _));
            MemDbLog.AofReplayed(logger, replayed, _options.AofPath, _aof.Generation, _options.AofFsync, stopwatch.ElapsedMilliseconds);
        }

        _status = Opened;
        return ValueTask.CompletedTask;
    }

    public ValueTask CloseAsync(CancellationToken cancellationToken)
    {
        lock (_snapshotGate)
        {
            Exception? failure = null;
            if (_status == Opened && !string.IsNullOrEmpty(SnapshotPath))
            {
                TryWriteSnapshot(onlyWhenDue: false, onlyWhenOpen: false, out failure);
            }

            // Under the snapshot gate, so that a compaction the log asked for never runs on a closed log.
            _status = Closed;
            _aof?.Dispose();
            if (failure is not null)
            {
                throw new IOException($"the final memdb snapshot '{SnapshotPath}' could not be written: {failure.Message}", failure);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// Tests: stops like a crash after every acknowledged change, without the final snapshot.
    internal void Abandon()
    {
        lock (_snapshotGate)
        {
            if (_status == Closed)
            {
                return;
            }

            _status = Closed;
            _aof?.Dispose();
        }
    }

    /// Not ready while the log cannot be written, or, with snapshots alone, while the snapshot cannot be: changes
    /// are then either refused or at risk. With the log on, a failing snapshot loses nothing (the log keeps growing).
    public ValueTask CheckReadyAsync(CancellationToken cancellationToken)
    {
        if (_status != Opened)
        {
            throw new ServiceUnavailableException();
        }

        if (_aof is { Faulted: true })
        {
            throw new ServiceUnavailableException(AppendOnlyLog.Unwritable);
        }

        if (_aof is null && _snapshotFailure is not null)
        {
            throw new ServiceUnavailableException("memdb snapshot cannot be written");
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask ChoreAsync(CancellationToken cancellationToken)
    {
        long recovered;
        long purged;
        lock (_gate)
        {
            var now = Now();
            recovered = RecoverExpired(now);
            purged = PurgeCompleted(now);

            // Undone when the log cannot take them; the log reports that itself, once.
            if (!TryCommit())
            {
                recovered = purged = 0;
            }
        }

        MemDbLog.ChoreCompleted(logger, recovered, purged);
        if (!string.IsNullOrEmpty(SnapshotPath))
        {
            // A log in a fault is repaired by a compaction (a snapshot of memory and a fresh log), tried every chore.
            TryWriteSnapshot(onlyWhenDue: _aof is not { Faulted: true }, onlyWhenOpen: false, out _);
        }

        return ValueTask.CompletedTask;
    }

    // The recovery loop's: nobody waits for its result, so it does not wait for an fsync either; while the log cannot
    // be written the claims stay as they are (and the loop stays quiet: the log reports the fault once).
    public ValueTask<long> RecoverExpiredAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var recovered = RecoverExpired(Now());
            return ValueTask.FromResult(TryCommit() ? recovered : 0);
        }
    }

    public ValueTask<IReadOnlyList<TopicStatistics>> GetStatisticsAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult<IReadOnlyList<TopicStatistics>>(Statistics(Now()));
        }
    }

    public ValueTask<IReadOnlyList<Topic>> ListTopicsAsync(int limit, int offset, CancellationToken cancellationToken)
    {
        CheckPage(limit, offset);
        lock (_gate)
        {
            var page = new List<Topic>(Math.Min(limit, Math.Max(0, _topics.Count - offset)));
            foreach (var name in _topics.Keys.Skip(offset).Take(limit))
            {
                page.Add(new Topic(name));
            }

            return ValueTask.FromResult<IReadOnlyList<Topic>>(page);
        }
    }

    public ValueTask<DeleteResult> DeleteTopicsAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var ids = _tasks.Keys.ToArray();
            foreach (var id in ids)
            {
                Remove(id);
            }

            return Durable(new DeleteResult(ids.Length));
        }
    }

    public ValueTask<Topic> GetTopicAsync(string topic, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topic);
        lock (_gate)
        {
            return _topics.TryGetValue(topic, out var index)
                ? ValueTask.FromResult(new Topic(index.Name, index.Ids.Count))
                : throw new NotFoundException();
        }
    }

    public ValueTask<DeleteResult> DeleteTopicAsync(string topic, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topic);
        lock (_gate)
        {
            if (!_topics.TryGetValue(topic, out var index))
            {
                return Durable(new DeleteResult(0));
            }

            var ids = index.Ids.ToArray();
            foreach (var id in ids)
            {
                Remove(id);
            }

            return Durable(new DeleteResult(ids.Length));
        }
    }

    public ValueTask<IReadOnlyList<RatusTask>> ListTasksAsync(string topic, int limit, int offset, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topic);
        CheckPage(limit, offset);
        lock (_gate)
        {
            if (!_topics.TryGetValue(topic, out var index) || offset >= index.Ids.Count || limit == 0)
            {
                return ValueTask.FromResult<IReadOnlyList<RatusTask>>([]);
            }

            var page = new List<RatusTask>(Math.Min(limit, index.Ids.Count - offset));
            foreach (var id in index.Ids.Skip(offset))
            {
                if (page.Count == limit)
                {
                    break;
                }

                page.Add(_tasks[id]);
            }

            return ValueTask.FromResult<IReadOnlyList<RatusTask>>(page);
        }
    }

    public ValueTask<UpdateResult> InsertTasksAsync(IReadOnlyList<RatusTask> tasks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        lock (_gate)
        {
            long created = 0;
            foreach (var task in tasks)
            {
                if (!_tasks.ContainsKey(task.Id))
                {
                    Put(task);
                    created++;
                }
            }

            return Durable(new UpdateResult(created, 0));
        }
    }

    public ValueTask<UpdateResult> UpsertTasksAsync(IReadOnlyList<RatusTask> tasks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        lock (_gate)
        {
            long created = 0;
            long updated = 0;
            foreach (var task in tasks)
            {
                if (Put(task))
                {
                    updated++;
                }
                else
                {
                    created++;
                }
            }

            return Durable(new UpdateResult(created, updated));
        }
    }

    public ValueTask<DeleteResult> DeleteTasksAsync(string topic, CancellationToken cancellationToken) =>
        DeleteTopicAsync(topic, cancellationToken);

    public ValueTask<RatusTask> GetTaskAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (_gate)
        {
            return _tasks.TryGetValue(id, out var task) ? ValueTask.FromResult(task) : throw new NotFoundException();
        }
    }

    public ValueTask<UpdateResult> InsertTaskAsync(RatusTask task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        lock (_gate)
        {
            if (_tasks.ContainsKey(task.Id))
            {
                throw new ConflictException(ConflictException.DuplicateId);
            }

            Put(task);
            return Durable(new UpdateResult(1, 0));
        }
    }

    public ValueTask<UpdateResult> UpsertTaskAsync(RatusTask task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        lock (_gate)
        {
            return Durable(Put(task) ? new UpdateResult(0, 1) : new UpdateResult(1, 0));
        }
    }

    public ValueTask<DeleteResult> DeleteTaskAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (_gate)
        {
            return Durable(new DeleteResult(Remove(id) ? 1 : 0));
        }
    }

    public ValueTask<RatusTask> CommitTaskAsync(string id, Commit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(commit);
        lock (_gate)
        {
            if (!_tasks.TryGetValue(id, out var task))
            {
                throw new NotFoundException();
            }

            if (commit.Nonce.Length > 0 && !string.Equals(commit.Nonce, task.Nonce, StringComparison.Ordinal))
            {
                throw new ConflictException(ConflictException.NonceMismatch);
            }

            var committed = task with
            {
                Nonce = "",
                Topic = string.IsNullOrEmpty(commit.Topic) ? task.Topic : commit.Topic,
                State = commit.State,
                Scheduled = commit.Scheduled ?? task.Scheduled,
                Payload = commit.Payload ?? task.Payload,
            };
            Put(committed);
            return Durable(_tasks[id]);
        }
    }

    public ValueTask<IReadOnlyList<Promise>> ListPromisesAsync(string topic, int limit, int offset, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topic);
        CheckPage(limit, offset);
        lock (_gate)
        {
            if (!_topics.TryGetValue(topic, out var index) || offset >= index.Active.Count || limit == 0)
            {
                return ValueTask.FromResult<IReadOnlyList<Promise>>([]);
            }

            var page = new List<Promise>(Math.Min(limit, index.Active.Count - offset));
            foreach (var id in index.Active.Skip(offset))
            {
                if (page.Count == limit)
                {
                    break;
                }

                page.Add(ToPromise(_tasks[id]));
            }

            return ValueTask.FromResult<IReadOnlyList<Promise>>(page);
        }
    }

    public ValueTask<RatusTask?> TryPollTaskAsync(string topic, Promise promise, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(promise);
        if (!string.IsNullOrEmpty(promise.Id))
        {
            // A wildcard promise that names a task is a claim by ID, whatever the topic (docs/protocol.md §2.4).
            return AsNullable(InsertPromiseAsync(promise, cancellationToken));
        }

        lock (_gate)
        {
            var now = Now();

            // docs/protocol.md, D3: expired promises become claimable before the chore comes round.
            RecoverExpired(now);
            if (!_topics.TryGetValue(topic, out var index) || FindDue(index, now) is not { } task)
            {
                Commit(); // the recoveries, if any
                return ValueTask.FromResult<RatusTask?>(null);
            }

            return AsNullable(Durable(Claim(task, promise, now)));
        }
    }

    public ValueTask<DeleteResult> DeletePromisesAsync(string topic, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topic);
        lock (_gate)
        {
            if (!_topics.TryGetValue(topic, out var index) || index.Active.Count == 0)
            {
                return Durable(new DeleteResult(0));
            }

            var ids = index.Active.ToArray();
            foreach (var id in ids)
            {
                Put(ToPending(_tasks[id]));
            }

            return Durable(new DeleteResult(ids.Length));
        }
    }

    public ValueTask<Promise> GetPromiseAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (_gate)
        {
            return _tasks.TryGetValue(id, out var task) && task.State == TaskState.Active
                ? ValueTask.FromResult(ToPromise(task))
                : throw new NotFoundException();
        }
    }

    public ValueTask<RatusTask> InsertPromiseAsync(Promise promise, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(promise);
        lock (_gate)
        {
            if (!_tasks.TryGetValue(promise.Id, out var task))
            {
                throw new NotFoundException();
            }

            if (task.State != TaskState.Pending)
            {
                throw new ConflictException(ConflictException.NotPending);
            }

            return Durable(Claim(task, promise, Now()));
        }
    }

    public ValueTask<RatusTask> UpsertPromiseAsync(Promise promise, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(promise);
        lock (_gate)
        {
            return _tasks.TryGetValue(promise.Id, out var task)
                ? Durable(Claim(task, promise, Now()))
                : throw new NotFoundException();
        }
    }

    public ValueTask<DeleteResult> DeletePromiseAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (_gate)
        {
            if (!_tasks.TryGetValue(id, out var task) || task.State != TaskState.Active)
            {
                return Durable(new DeleteResult(0));
            }

            Put(ToPending(task));
            return Durable(new DeleteResult(1));
        }
    }

    /// Writes this operation's changes to the log (<see cref="Commit"/>) and returns the result once the changes made
    /// so far are durable as the log's fsync mode promises. Called inside the lock (so the sequence is this operation's
    /// latest); the wait itself happens after the lock is released.
    private ValueTask<T> Durable<T>(T result)
    {
        if (_aof is not { } aof)
        {
            return ValueTask.FromResult(result);
        }

        Commit();
        if (_sequence == 0)
        {
            return ValueTask.FromResult(result);
        }

        var wait = aof.WaitAsync(_sequence);
        return wait.IsCompletedSuccessfully ? ValueTask.FromResult(result) : AwaitDurable(wait, result);

        static async ValueTask<T> AwaitDurable(ValueTask wait, T result)
        {
            await wait.ConfigureAwait(false);
            return result;
        }
    }

    /// Inside _gate, before the lock is released: writes the changes of this lock section to the log, or, when the log
    /// refuses them (a full or failing disk), undoes them, newest first, and answers 503. Either way no reader ever
    /// sees a change that a restart would not recover.
    private void Commit()
    {
        if (!TryCommit())
        {
            throw new ServiceUnavailableException(AppendOnlyLog.Unwritable);
        }
    }

    private bool TryCommit()
    {
        if (_undo.Count == 0)
        {
            return true;
        }

        var aof = _aof!;
        var written = aof.TryWrite();
        if (!written)
        {
            for (var i = _undo.Count - 1; i >= 0; i--)
            {
                var (id, before) = _undo[i];
                if (before is null)
                {
                    Remove(id, record: false);
                }
                else
                {
                    Put(before, record: false);
                }
            }

            _sequence = aof.Appended;
        }

        _undo.Clear();
        if (_undo.Capacity > UndoCapacity)
        {
            _undo.Capacity = UndoCapacity;
        }

        return written;
    }

    private static ValueTask<RatusTask?> AsNullable(ValueTask<RatusTask> claim)
    {
        return claim.IsCompletedSuccessfully ? ValueTask.FromResult<RatusTask?>(claim.Result) : Await(claim);

        static async ValueTask<RatusTask?> Await(ValueTask<RatusTask> claim) => await claim.ConfigureAwait(false);
    }

    private static void CheckPage(int limit, int offset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
    }

    private static Promise ToPromise(RatusTask task) => new(task.Id, task.Consumer, task.Deadline);

    // Recovery and promise deletion keep consumer, consumed and deadline (docs/protocol.md §3.3, §3.6).
    private static RatusTask ToPending(RatusTask task) => task with { State = TaskState.Pending, Nonce = "" };

    private DateTime Now() => timeProvider.GetUtcNow().UtcDateTime;

    private RatusTask Claim(RatusTask task, Promise promise, DateTime now)
    {
        var claimed = task with
        {
            State = TaskState.Active,
            Nonce = Nonce.Generate(),
            Consumer = string.IsNullOrEmpty(promise.Consumer) ? null : promise.Consumer,
            Consumed = now,
            Deadline = promise.Deadline,
        };
        Put(claimed);
        return _tasks[claimed.Id];
    }

    /// The due pending task with the smallest (scheduled ms, ID). Only the millisecond of "now" can hold keys
    /// that are not yet due, so at most that millisecond is walked.
    private RatusTask? FindDue(TopicIndex index, DateTime now)
    {
        if (index.Pending.Count == 0)
        {
            return null;
        }

        var nowMilliseconds = TimeKey.ToUnixMilliseconds(now);
        var first = index.Pending.Min;
        if (first.Time < nowMilliseconds)
        {
            return _tasks[first.Id];
        }

        if (first.Time > nowMilliseconds)
        {
            return null;
        }

        foreach (var key in index.Pending)
        {
            if (key.Time > nowMilliseconds)
            {
                break;
            }

            var task = _tasks[key.Id];
            if (task.Scheduled!.Value <= now)
            {
                return task;
            }
        }

        return null;
    }

    private long RecoverExpired(DateTime now)
    {
        long recovered = 0;
        Dictionary<string, long>? byTopic = null;
        foreach (var id in Due(_deadlines, now, static task => task.Deadline))
        {
            var task = _tasks[id];
            Put(ToPending(task));
            recovered++;
            if (recoveryObserver is not null)
            {
                byTopic ??= new Dictionary<string, long>(StringComparer.Ordinal);
                CollectionsMarshal.GetValueRefOrAddDefault(byTopic, task.Topic, out _)++;
            }
        }

        foreach (var (topic, count) in byTopic ?? [])
        {
            recoveryObserver!.OnRecovered(topic, count);
        }

        return recovered;
    }

    /// Reads the per-topic state counts kept by the indexes; only the due pending keys of each topic are walked
    /// (no per-task lookup except in the current millisecond), never the whole task table.
    private List<TopicStatistics> Statistics(DateTime now)
    {
        var nowMilliseconds = TimeKey.ToUnixMilliseconds(now);
        var statistics = new List<TopicStatistics>(_topics.Count);
        foreach (var index in _topics.Values)
        {
            long due = 0;
            DateTime? oldest = null;
            foreach (var key in index.Pending)
            {
                if (key.Time > nowMilliseconds)
                {
                    break;
                }

                // Keys of the current millisecond may still be a few ticks ahead of now.
                if (key.Time == nowMilliseconds && _tasks[key.Id].Scheduled!.Value > now)
                {
                    continue;
                }

                due++;
                oldest ??= _tasks[key.Id].Scheduled!.Value.UtcDateTime;
            }

            var counts = index.StateCounts;
            statistics.Add(new TopicStatistics(
                index.Name, counts[(int)TaskState.Pending], due, counts[(int)TaskState.Active],
                counts[(int)TaskState.Completed], counts[(int)TaskState.Archived], oldest));
        }

        return statistics;
    }

    private long PurgeCompleted(DateTime now)
    {
        var retention = _options.RetentionPeriod.Ticks;
        if (retention > now.Ticks)
        {
            return 0;
        }

        var cutoff = new Timestamp(now.Ticks - retention, 0);
        long purged = 0;
        foreach (var id in Due(_completed, cutoff, static task => task.Consumed))
        {
            Remove(id);
            purged++;
        }

        return purged;
    }

    /// The IDs of a (ticks, ID) index whose task time is at most <paramref name="limit"/>: every key of an earlier
    /// tick, and those of its tick whose nanoseconds beyond the tick are not later. Keys of one tick are in ID order,
    /// not in nanoseconds, so that tick is walked whole. Collected first, as the caller changes the index.
    private ReadOnlySpan<string> Due(
        SortedChunks<TimeKey, ComparableComparer<TimeKey>> index, Timestamp limit, Func<RatusTask, Timestamp?> time)
    {
        List<string>? due = null;
        foreach (var key in index)
        {
            if (key.Time > limit.Ticks)
            {
                break;
            }

            if (key.Time < limit.Ticks || time(_tasks[key.Id]) <= limit)
            {
                (due ??= []).Add(key.Id);
            }
        }

        return CollectionsMarshal.AsSpan(due);
    }

    /// Stores a task, replacing any task with the same ID, and re-indexes it. Returns whether it replaced one.
    private bool Put(RatusTask task, bool record = true)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_tasks, task.Id, out var existed);
        TopicIndex index;
        RatusTask? previous = null;
        if (existed)
        {
            previous = slot!;
            var previousIndex = _topics[previous.Topic];
            UnindexState(previous, previousIndex);
            if (string.Equals(previous.Topic, task.Topic, StringComparison.Ordinal))
            {
                index = previousIndex;
            }
            else
            {
                previousIndex.Ids.Remove(previous.Id);
                if (previousIndex.Ids.Count == 0)
                {
                    _topics.Remove(previousIndex.Name);
                }

                index = AddToTopic(task.Id, task.Topic);
            }
        }
        else
        {
            index = AddToTopic(task.Id, task.Topic);
        }

        // Share one topic string per topic instead of one per task.
        if (!ReferenceEquals(task.Topic, index.Name))
        {
            task = task with { Topic = index.Name };
        }

        slot = task;
        IndexState(task, index);
        if (record)
        {
            var change = TaskChange.Put(task);
            journal?.Append(change);
            if (_aof is not null)
            {
                _sequence = _aof.AppendAndSequence(change);
                _undo.Add((task.Id, previous));
            }
        }

        return existed;
    }

    private bool Remove(string id, bool record = true)
    {
        if (!_tasks.Remove(id, out var task))
        {
            return false;
        }

        var index = _topics[task.Topic];
        UnindexState(task, index);
        index.Ids.Remove(task.Id);
        if (index.Ids.Count == 0)
        {
            _topics.Remove(index.Name);
        }

        if (record)
        {
            var change = TaskChange.Delete(id);
            journal?.Append(change);
            if (_aof is not null)
            {
                _sequence = _aof.AppendAndSequence(change);
                _undo.Add((id, task));
            }
        }

        return true;
    }

    private TopicIndex AddToTopic(string id, string topic)
    {
        if (!_topics.TryGetValue(topic, out var index))
        {
            index = new TopicIndex(topic);
            _topics.Add(topic, index);
        }

        index.Ids.Add(id);
        return index;
    }

    private void IndexState(RatusTask task, TopicIndex index) => UpdateStateIndexes(task, index, add: true);

    private void UnindexState(RatusTask task, TopicIndex index) => UpdateStateIndexes(task, index, add: false);

    // One place derives every state index key of a task, so adding and removing can never disagree on a key.
    private void UpdateStateIndexes(RatusTask task, TopicIndex index, bool add)
    {
        index.StateCounts[(int)task.State] += add ? 1 : -1;
        switch (task.State)
        {
            case TaskState.Pending when task.Scheduled is { } scheduled:
                Update(index.Pending, new TimeKey(TimeKey.ToUnixMilliseconds(scheduled), task.Id), add);
                break;
            case TaskState.Active:
                Update(index.Active, task.Id, add);
                if (task.Deadline is { } deadline)
                {
                    Update(_deadlines, new TimeKey(deadline.Ticks, task.Id), add);
                }

                break;
            case TaskState.Completed when task.Consumed is { } consumed:
                Update(_completed, new TimeKey(consumed.Ticks, task.Id), add);
                break;
        }

        static void Update<T, TComparer>(SortedChunks<T, TComparer> set, T key, bool add)
            where TComparer : struct, IComparer<T>
        {
            if (add)
            {
                set.Add(key);
            }
            else
            {
                set.Remove(key);
            }
        }
    }

    private void Load(List<RatusTask> tasks)
    {
        lock (_gate)
        {
            foreach (var task in tasks)
            {
                if (_tasks.ContainsKey(task.Id))
                {
                    throw new InvalidDataException($"memdb snapshot '{SnapshotPath}' is corrupt: duplicate task ID");
                }

                // Loading restores state that the journal already holds; it is not a change.
                Put(task, record: false);
            }
        }
    }

    /// Writes a snapshot (with the log on: a compaction). A failure to write it is reported here, once until a snapshot
    /// succeeds again (error log line, metric, and readiness with snapshots alone), and returned.
    private bool TryWriteSnapshot(bool onlyWhenDue, bool onlyWhenOpen, out Exception? failure)
    {
        failure = null;
        lock (_snapshotGate)
        {
            if (onlyWhenOpen && _status != Opened)
            {
                return true;
            }

            // The first chore of an instance always saves; later ones wait for the interval since the last snapshot
            // written (docs/protocol.md §3.11), so after a failure every chore tries again.
            if (onlyWhenDue && _lastSnapshot is { } last && Now() - last < _options.SnapshotInterval)
            {
                return true;
            }

            var stopwatch = Stopwatch.StartNew();
            RatusTask[] tasks;
            long generation = 0;
            try
            {
                // The hand-over: copy the state and, with the log on, seal the current log and start the next
                // generation, so the snapshot covers exactly the logs before that generation.
                var next = _aof?.PrepareNext();
                lock (_gate)
                {
                    tasks = [.. _tasks.Values];
                    if (next is not null)
                    {
                        generation = _aof!.Rotate(next);
                    }
                }

                _aof?.SealPrevious();
                SnapshotFile.Write(SnapshotPath, tasks, generation);
                _aof?.SnapshotWritten(generation);
                _aof?.DeleteCovered(generation);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                failureObserver?.OnSnapshotFailed();
                if (_snapshotFailure is null)
                {
                    MemDbLog.SnapshotFailed(logger, SnapshotPath, exception.Message, _aof is null
                        ? "changes since the last snapshot are lost on a crash or stop, and /readyz answers 503 until a snapshot is written"
                        : "the append-only log keeps every change it takes, and grows until a snapshot is written");
                }

                _snapshotFailure = failure = exception;
                return false;
            }

            _lastSnapshot = Now();
            if (_snapshotFailure is not null)
            {
                _snapshotFailure = null;
                MemDbLog.SnapshotWrittenAgain(logger, SnapshotPath);
            }

            MemDbLog.SnapshotWritten(logger, tasks.Length, SnapshotPath, stopwatch.ElapsedMilliseconds);
            return true;
        }
    }
}
