namespace Ratus.Client;

/// <summary>A client of the Ratus REST API, method for method the Go client, plus <see cref="PollAsync"/> and <c>SubscribeAsync</c>.</summary>
/// <remarks>
/// <para>Errors: an error status becomes a <see cref="RatusException"/> (or <see cref="RatusBadRequestException"/>,
/// <see cref="RatusNotFoundException"/>, <see cref="RatusConflictException"/>, <see cref="RatusServiceUnavailableException"/>);
/// a transport failure stays an <see cref="HttpRequestException"/>; cancellation stays an <see cref="OperationCanceledException"/>.</para>
/// <para>Retries: GET, PUT and DELETE calls are idempotent and are retried (<see cref="RatusClientOptions.MaxRetryAttempts"/>,
/// exponential backoff with jitter) on transport errors, 408, 429 and 5xx. POST and PATCH calls are <b>never</b> retried:
/// a retried poll could claim a second task, a retried insert could report a conflict for its own first attempt, and a
/// retried commit would fail its nonce.</para>
/// <para>IDs and topics are escaped into the path so that <c>/</c> travels as <c>%2F</c>; by-ID calls use the empty topic
/// segment (<c>/v1/topics//tasks/{id}</c>), as the Go client does.</para>
/// </remarks>
public interface IRatusClient
{
    /// <summary>Lists topic names (GET <c>/v1/topics</c>). Retried on transient failures.</summary>
    /// <param name="limit">The page size (0 for the server default of 10).</param>
    /// <param name="offset">The number of topics to skip.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The topics of the page, with names only.</returns>
    Task<IReadOnlyList<Topic>> ListTopicsAsync(int limit = 10, int offset = 0, CancellationToken cancellationToken = default);

    /// <summary>Deletes every task of every topic (DELETE <c>/v1/topics</c>). Retried on transient failures.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The number of tasks deleted.</returns>
    Task<DeleteResult> DeleteTopicsAsync(CancellationToken cancellationToken = default);

    /// <summary>Gets a topic with its task count (GET <c>/v1/topics/{topic}</c>). Retried on transient failures.</summary>
    /// <param name="topic">The topic name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The topic.</returns>
    /// <exception cref="RatusNotFoundException">No task has this topic.</exception>
    Task<Topic> GetTopicAsync(string topic, CancellationToken cancellationToken = default);

    /// <summary>Deletes every task of a topic (DELETE <c>/v1/topics/{topic}</c>). Retried on transient failures.</summary>
    /// <param name="topic">The topic name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The number of tasks deleted.</returns>
    Task<DeleteResult> DeleteTopicAsync(string topic, CancellationToken cancellationToken = default);

    /// <summary>Lists the tasks of a topic (GET <c>/v1/topics/{topic}/tasks</c>). Retried on transient failures.</summary>
    /// <param name="topic">The topic name.</param>
    /// <param name="limit">The page size (0 for the server default of 10).</param>
    /// <param name="offset">The number of tasks to skip.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The tasks of the page.</returns>
    Task<IReadOnlyList<RatusTask>> ListTasksAsync(string topic, int limit = 10, int offset = 0, CancellationToken cancellationToken = default);

    /// <summary>Inserts tasks, skipping IDs that already exist (POST <c>/v1/topics//tasks</c>; each task must carry its topic).
    /// <b>Not retried</b> (POST).</summary>
    /// <param name="tasks">The tasks.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many tasks were created.</returns>
    Task<UpdateResult> InsertTasksAsync(IEnumerable<RatusTask> tasks, CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces tasks (PUT <c>/v1/topics//tasks</c>; each task must carry its topic). Retried on transient failures.</summary>
    /// <param name="tasks">The tasks.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many tasks were created and how many replaced.</returns>
    Task<UpdateResult> UpsertTasksAsync(IEnumerable<RatusTask> tasks, CancellationToken cancellationToken = default);

    /// <summary>Deletes every task of a topic (DELETE <c>/v1/topics/{topic}/tasks</c>). Retried on transient failures.</summary>
    /// <param name="topic">The topic name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The number of tasks deleted.</returns>
    Task<DeleteResult> DeleteTasksAsync(string topic, CancellationToken cancellationToken = default);

    /// <summary>Gets a task by ID (GET <c>/v1/topics//tasks/{id}</c>). Retried on transient failures.</summary>
    /// <param name="id">The task ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The task.</returns>
    /// <exception cref="RatusNotFoundException">No task has this ID.</exception>
    Task<RatusTask> GetTaskAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Inserts a task (POST <c>/v1/topics//tasks/{id}</c>). <b>Not retried</b> (POST).</summary>
    /// <param name="task">The task; it must carry an ID and a topic.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One task created.</returns>
    /// <exception cref="RatusConflictException">A task with this ID exists (in any topic).</exception>
    Task<UpdateResult> InsertTaskAsync(RatusTask task, CancellationToken cancellationToken = default);

    /// <summary>Inserts or fully replaces a task (PUT <c>/v1/topics//tasks/{id}</c>). Retried on transient failures.</summary>
    /// <param name="task">The task; it must carry an ID and a topic.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether the task was created or replaced.</returns>
    Task<UpdateResult> UpsertTaskAsync(RatusTask task, CancellationToken cancellationToken = default);

    /// <summary>Deletes a task (DELETE <c>/v1/topics//tasks/{id}</c>). Retried on transient failures.</summary>
    /// <param name="id">The task ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>1 if the task existed, else 0.</returns>
    Task<DeleteResult> DeleteTaskAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Commits a task (PATCH <c>/v1/topics//tasks/{id}</c>). <b>Not retried</b> (PATCH): a commit carrying a nonce
    /// succeeds once, so a blind retry of a commit the server did apply would fail with 409.</summary>
    /// <param name="id">The task ID.</param>
    /// <param name="commit">The changes; a non-empty <see cref="Commit.Nonce"/> must match the task's.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The updated task.</returns>
    /// <exception cref="RatusNotFoundException">No task has this ID.</exception>
    /// <exception cref="RatusConflictException">The nonce does not match.</exception>
    Task<RatusTask> PatchTaskAsync(string id, Commit commit, CancellationToken cancellationToken = default);

    /// <summary>Lists the promises of the active tasks of a topic (GET <c>/v1/topics/{topic}/promises</c>). Retried on transient failures.</summary>
    /// <param name="topic">The topic name.</param>
    /// <param name="limit">The page size (0 for the server default of 10).</param>
    /// <param name="offset">The number of promises to skip.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The promises of the page.</returns>
    Task<IReadOnlyList<Promise>> ListPromisesAsync(string topic, int limit = 10, int offset = 0, CancellationToken cancellationToken = default);

    /// <summary>Claims the next due task of a topic (POST <c>/v1/topics/{topic}/promises</c>). <b>Not retried</b> (POST):
    /// a retry after a lost response would claim a second task. Prefer <see cref="PollAsync"/>.</summary>
    /// <param name="topic">The topic name.</param>
    /// <param name="promise">The promise (consumer, deadline or timeout); with an <see cref="Promise.Id"/> it claims that task.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The claimed task.</returns>
    /// <exception cref="RatusNotFoundException">Nothing is due in the topic.</exception>
    Task<RatusTask> PostPromisesAsync(string topic, Promise promise, CancellationToken cancellationToken = default);

    /// <summary>Releases every active task of a topic back to pending (DELETE <c>/v1/topics/{topic}/promises</c>). Retried on transient failures.</summary>
    /// <param name="topic">The topic name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The number of tasks released.</returns>
    Task<DeleteResult> DeletePromisesAsync(string topic, CancellationToken cancellationToken = default);

    /// <summary>Gets the promise of an active task (GET <c>/v1/topics//promises/{id}</c>). Retried on transient failures.</summary>
    /// <param name="id">The task ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The promise.</returns>
    /// <exception cref="RatusNotFoundException">No such task, or it is not active.</exception>
    Task<Promise> GetPromiseAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Claims a pending task by ID (POST <c>/v1/topics//promises/{id}</c>). <b>Not retried</b> (POST).</summary>
    /// <param name="promise">The promise; <see cref="Promise.Id"/> names the task.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The claimed task.</returns>
    /// <exception cref="RatusNotFoundException">No such task.</exception>
    /// <exception cref="RatusConflictException">The task is not pending.</exception>
    Task<RatusTask> InsertPromiseAsync(Promise promise, CancellationToken cancellationToken = default);

    /// <summary>Claims a task by ID whatever its state (PUT <c>/v1/topics//promises/{id}</c>). Retried on transient failures
    /// (a repeated PUT re-claims the same task with a new nonce, which is what the call asks for).</summary>
    /// <param name="promise">The promise; <see cref="Promise.Id"/> names the task.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The claimed task.</returns>
    /// <exception cref="RatusNotFoundException">No such task.</exception>
    Task<RatusTask> UpsertPromiseAsync(Promise promise, CancellationToken cancellationToken = default);

    /// <summary>Releases an active task back to pending (DELETE <c>/v1/topics//promises/{id}</c>). Retried on transient failures.</summary>
    /// <param name="id">The task ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>1 if the task was active, else 0.</returns>
    Task<DeleteResult> DeletePromiseAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Checks that the server is alive (GET <c>/v1/livez</c>). Retried on transient failures.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the server answered 200.</returns>
    Task GetLivenessAsync(CancellationToken cancellationToken = default);

    /// <summary>Checks that the server is ready (GET <c>/v1/readyz</c>). Retried on transient failures.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the server answered 200.</returns>
    /// <exception cref="RatusServiceUnavailableException">The storage engine is not ready (after the retries).</exception>
    Task GetReadinessAsync(CancellationToken cancellationToken = default);

    /// <summary>Claims the next due task of a topic and returns a lease on it (POST <c>/v1/topics/{topic}/promises</c>;
    /// <b>not retried</b>, see <see cref="PostPromisesAsync"/>).</summary>
    /// <param name="topic">The topic name.</param>
    /// <param name="promise">The promise; by default a wildcard promise with <see cref="RatusClientOptions.Consumer"/> and the
    /// server's 10-minute timeout. A promise without a consumer gets <see cref="RatusClientOptions.Consumer"/>.</param>
    /// <param name="cancellationToken">Cancels the call (not the lease).</param>
    /// <returns>The lease, or <see langword="null"/> when nothing is due (404). Dispose it when done; its pending commit is
    /// sent only by <see cref="TaskLease.CommitAsync"/>.</returns>
    Task<TaskLease?> PollAsync(string topic, Promise? promise = null, CancellationToken cancellationToken = default);

    /// <summary>Polls a topic forever and yields a lease for each claimed task; the caller commits each lease.
    /// Waits <see cref="SubscribeOptions.PollInterval"/> after each yielded lease, <see cref="SubscribeOptions.DrainInterval"/>
    /// when nothing is due and <see cref="SubscribeOptions.ErrorInterval"/> after an error (reported to
    /// <see cref="SubscribeOptions.OnError"/> and the log). Polls one at a time.</summary>
    /// <param name="topic">The topic name.</param>
    /// <param name="options">The subscription settings; the Go client's defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Ends the enumeration: it then completes normally, without an exception.</param>
    /// <returns>The leases, in claim order.</returns>
    IAsyncEnumerable<TaskLease> SubscribeAsync(string topic, SubscribeOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Runs <see cref="SubscribeOptions.Concurrency"/> pollers on a topic, calls <paramref name="handler"/> for each
    /// claimed task, then commits it (completed, nonce-checked) unless the handler committed itself or threw.</summary>
    /// <remarks>
    /// <para>Poller <em>i</em> starts after <em>i</em> × <see cref="SubscribeOptions.ConcurrencyDelay"/>. After a handled task
    /// it waits <see cref="SubscribeOptions.PollInterval"/>; when nothing is due, <see cref="SubscribeOptions.DrainInterval"/>;
    /// after a failed poll, a handler exception or a failed auto-commit, it reports the error to
    /// <see cref="SubscribeOptions.OnError"/> and the log and waits <see cref="SubscribeOptions.ErrorInterval"/>. A task whose
    /// handler threw is left active and comes back when its deadline passes.</para>
    /// <para>Cancellation: <paramref name="cancellationToken"/> stops the polls and waits promptly, but a handler that is
    /// running is not interrupted by it: the handler's token is the lease's deadline token. The running handler finishes, its
    /// task is committed, and only then does the returned task complete. It completes normally (no
    /// <see cref="OperationCanceledException"/>) when the subscription was cancelled, so nothing is lost or committed twice.</para>
    /// </remarks>
    /// <param name="topic">The topic name.</param>
    /// <param name="handler">Handles one task; receives the lease and the lease's <see cref="TaskLease.CancellationToken"/>.</param>
    /// <param name="options">The subscription settings; the Go client's defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the subscription.</param>
    /// <returns>A task that completes when the subscription has stopped.</returns>
    Task SubscribeAsync(string topic, Func<TaskLease, CancellationToken, ValueTask> handler, SubscribeOptions? options = null, CancellationToken cancellationToken = default);
}
