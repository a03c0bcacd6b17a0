using System.Diagnostics;
using System.Text.Json;

namespace Ratus.Client;

/// <summary>A claimed task together with its pending commit: the .NET counterpart of the Go client's <c>Context</c>.</summary>
/// <remarks>
/// <para>The builder methods change the pending commit, which starts as "completed, checked against the task's nonce",
/// and return the lease for chaining: <c>await lease.Retry(TimeSpan.FromSeconds(30)).CommitAsync();</c></para>
/// <para><see cref="CancellationToken"/> fires a safety margin before the promise runs out, while a commit can still
/// reach the server in time: the lease time is <c>deadline − consumed</c>, timed from the claim on the local clock (so
/// clock skew with the server does not matter), and the margin is 10 % of it, at most 5 seconds.</para>
/// <para>Disposing the lease releases its timer and does <b>not</b> commit: an uncommitted task stays active until its
/// deadline, then the server makes it pending again.</para>
/// </remarks>
public sealed class TaskLease : IAsyncDisposable
{
    // A commit is one small PATCH: 5 s covers its round trip on any working network without cutting long leases short,
    // and 10 % below 50 s keeps short leases useful (a 1 s lease still runs 0.9 s).
    private static readonly TimeSpan MaxSafetyMargin = TimeSpan.FromSeconds(5);

    private readonly RatusClient _client;
    private readonly CancellationTokenSource _deadline;
    private readonly SemaphoreSlim _commitLock = new(1, 1);
    private Commit _commit;
    private RatusTask? _committed;

    internal TaskLease(RatusClient client, RatusTask task, TimeProvider timeProvider)
    {
        _client = client;
        Task = task;
        _commit = DefaultCommit(task);
        if (task.Deadline is { } deadline && task.Consumed is { } consumed)
        {
            var leaseTime = deadline - consumed;
            var remaining = leaseTime - SafetyMargin(leaseTime);
            _deadline = remaining > TimeSpan.Zero ? new CancellationTokenSource(remaining, timeProvider) : new CancellationTokenSource();
            if (remaining <= TimeSpan.Zero)
            {
                _deadline.Cancel();
            }
        }
        else
        {
            _deadline = new CancellationTokenSource();
        }
    }

    /// <summary>The claimed task, as the server returned it.</summary>
    public RatusTask Task { get; }

    /// <summary>The producer's trace context (<see cref="RatusTask.TraceParent"/>), for a consumer span to link to:
    /// <c>source.StartActivity("work", ActivityKind.Consumer, default(ActivityContext), links: [new(lease.ProducerContext.Value)])</c>.</summary>
    /// <value>Null when the task carries no valid trace context (for example when it came from the Go server).</value>
    public ActivityContext? ProducerContext =>
        Task.TraceParent is { } traceParent && ActivityContext.TryParse(traceParent, null, isRemote: true, out var context)
            ? context
            : null;

    /// <summary>Fires when the promise is about to expire: a safety margin of 10 % of the lease time
    /// (<c>deadline − consumed</c>), at most 5 seconds, before its end, timed from the claim (at 27 s for a 30 s promise,
    /// 9 min 55 s for the default 10 minutes); and after a successful <see cref="CommitAsync"/>. Work that stops when it
    /// fires still has the margin to commit (or abandon) before the server takes the task back.</summary>
    public CancellationToken CancellationToken => _deadline.Token;

    /// <summary>How long before the end of a lease of the given length its token fires.</summary>
    internal static TimeSpan SafetyMargin(TimeSpan leaseTime) =>
        leaseTime <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromTicks(Math.Min(MaxSafetyMargin.Ticks, leaseTime.Ticks / 10));

    /// <summary>The commit that <see cref="CommitAsync"/> will send.</summary>
    public Commit Commit => _commit;

    /// <summary>Whether <see cref="CommitAsync"/> (or <see cref="AbandonAsync"/>) has succeeded.</summary>
    public bool IsCommitted => Volatile.Read(ref _committed) is not null;

    /// <summary>Sets the nonce the task must still carry.</summary>
    /// <param name="nonce">The nonce.</param>
    /// <returns>This lease.</returns>
    public TaskLease SetNonce(string nonce) => Change(_commit with { Nonce = nonce });

    /// <summary>Moves the task to another topic on commit.</summary>
    /// <param name="topic">The target topic.</param>
    /// <returns>This lease.</returns>
    public TaskLease SetTopic(string topic) => Change(_commit with { Topic = topic });

    /// <summary>Sets the state the task takes on commit.</summary>
    /// <param name="state">The target state.</param>
    /// <returns>This lease.</returns>
    public TaskLease SetState(TaskState state) => Change(_commit with { State = state });

    /// <summary>Sets the task's scheduled time on commit.</summary>
    /// <param name="scheduled">The new scheduled time.</param>
    /// <returns>This lease.</returns>
    public TaskLease SetScheduled(DateTimeOffset scheduled) => Change(_commit with { Scheduled = scheduled });

    /// <summary>Replaces the task's payload on commit.</summary>
    /// <param name="payload">The new payload.</param>
    /// <returns>This lease.</returns>
    public TaskLease SetPayload(JsonElement payload) => Change(_commit with { Payload = payload });

    /// <summary>Replaces the task's payload on commit with a serialised value (web defaults: camelCase).</summary>
    /// <typeparam name="T">The type of the value.</typeparam>
    /// <param name="value">The new payload.</param>
    /// <returns>This lease.</returns>
    public TaskLease SetPayload<T>(T value) => SetPayload(RatusPayload.From(value));

    /// <summary>Reschedules the task on commit to commit time plus <paramref name="defer"/> (unless a scheduled time is set).</summary>
    /// <param name="defer">The delay.</param>
    /// <returns>This lease.</returns>
    public TaskLease SetDefer(TimeSpan defer) => Change(_commit with { Defer = defer });

    /// <summary>Clears the nonce, so that the commit applies even if the task was re-claimed or recovered meanwhile.</summary>
    /// <returns>This lease.</returns>
    public TaskLease Force() => Change(_commit with { Nonce = null });

    /// <summary>Makes the commit put the task back to <see cref="TaskState.Pending"/>.</summary>
    /// <returns>This lease.</returns>
    public TaskLease Abstain() => SetState(TaskState.Pending);

    /// <summary>Makes the commit archive the task (<see cref="TaskState.Archived"/>).</summary>
    /// <returns>This lease.</returns>
    public TaskLease Archive() => SetState(TaskState.Archived);

    /// <summary>Puts the task back to pending, due at <paramref name="scheduled"/>.</summary>
    /// <param name="scheduled">The new scheduled time.</param>
    /// <returns>This lease.</returns>
    public TaskLease Reschedule(DateTimeOffset scheduled) => Abstain().SetScheduled(scheduled);

    /// <summary>Puts the task back to pending, due <paramref name="defer"/> after the commit.</summary>
    /// <param name="defer">The delay.</param>
    /// <returns>This lease.</returns>
    public TaskLease Retry(TimeSpan defer) => Abstain().SetDefer(defer);

    /// <summary>Resets the pending commit to "completed, checked against the task's nonce".</summary>
    /// <returns>This lease.</returns>
    public TaskLease Reset() => Change(DefaultCommit(Task));

    /// <summary>Sends the pending commit (PATCH; <b>not retried</b>, see <see cref="IRatusClient.PatchTaskAsync"/>).
    /// Idempotent: once it has succeeded, later calls return the committed task without a request. On success the lease's
    /// <see cref="CancellationToken"/> is cancelled.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The committed task.</returns>
    /// <exception cref="RatusConflictException">The task was modified by others (its nonce changed), e.g. after the deadline passed.</exception>
    public async Task<RatusTask> CommitAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _committed) is { } done)
        {
            return done;
        }

        await _commitLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_committed is { } committed)
            {
                return committed;
            }

            var result = await _client.PatchTaskAsync(Task.Id, _commit, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _committed, result);
            try
            {
                _deadline.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The lease was disposed while committing; there is no timer left to stop.
            }

            return result;
        }
        finally
        {
            _commitLock.Release();
        }
    }

    /// <summary>Puts the task back to pending and commits: <c>Abstain().CommitAsync()</c>.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The committed task.</returns>
    public Task<RatusTask> AbandonAsync(CancellationToken cancellationToken = default) => Abstain().CommitAsync(cancellationToken);

    /// <summary>Releases the deadline timer. Does not commit.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        _deadline.Dispose();
        return ValueTask.CompletedTask;
    }

    private TaskLease Change(Commit commit)
    {
        _commit = commit;
        return this;
    }

    private static Commit DefaultCommit(RatusTask task) => new() { Nonce = task.Nonce, State = TaskState.Completed };
}
