using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Ratus.Client.Internal;

namespace Ratus.Client;

/// <summary>The Ratus client. Resolve <see cref="IRatusClient"/> from DI after
/// <see cref="RatusClientServiceCollectionExtensions.AddRatusClient(IServiceCollection, Action{RatusClientOptions})"/>,
/// or call <see cref="Create"/> in a program without DI.</summary>
/// <remarks>See <see cref="IRatusClient"/> for errors, retries and path escaping.</remarks>
public sealed partial class RatusClient : IRatusClient
{
    private readonly IRatusApi _api;
    private readonly RatusClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    internal RatusClient(IRatusApi api, RatusClientOptions options, TimeProvider? timeProvider, ILogger? logger)
    {
        _api = api;
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Creates a client with its own <see cref="HttpClient"/> and the same resilience as the DI registration.</summary>
    /// <param name="options">The settings; <see cref="RatusClientOptions.BaseAddress"/> is required.</param>
    /// <returns>A client, to keep for the life of the program.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid.</exception>
    public static IRatusClient Create(RatusClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var services = new ServiceCollection();
        services.AddRatusClient(o => CopyTo(options, o));
        // The provider owns the handler pipeline and lives as long as the client that references it.
        var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IRatusClient>();
    }

    private static void CopyTo(RatusClientOptions from, RatusClientOptions to)
    {
        to.BaseAddress = from.BaseAddress;
        to.Consumer = from.Consumer;
        to.MaxRetryAttempts = from.MaxRetryAttempts;
        to.RetryDelay = from.RetryDelay;
        to.Timeout = from.Timeout;
        to.Headers = new Dictionary<string, string>(from.Headers, StringComparer.OrdinalIgnoreCase);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Topic>> ListTopicsAsync(int limit = 10, int offset = 0, CancellationToken cancellationToken = default) =>
        List(await _api.ListTopics(limit, offset, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public Task<DeleteResult> DeleteTopicsAsync(CancellationToken cancellationToken = default) => _api.DeleteTopics(cancellationToken);

    /// <inheritdoc />
    public Task<Topic> GetTopicAsync(string topic, CancellationToken cancellationToken = default) => _api.GetTopic(topic, cancellationToken);

    /// <inheritdoc />
    public Task<DeleteResult> DeleteTopicAsync(string topic, CancellationToken cancellationToken = default) => _api.DeleteTopic(topic, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<RatusTask>> ListTasksAsync(string topic, int limit = 10, int offset = 0, CancellationToken cancellationToken = default) =>
        List(await _api.ListTasks(topic, limit, offset, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public Task<UpdateResult> InsertTasksAsync(IEnumerable<RatusTask> tasks, CancellationToken cancellationToken = default) =>
        _api.InsertTasks(Data(tasks), cancellationToken);

    /// <inheritdoc />
    public Task<UpdateResult> UpsertTasksAsync(IEnumerable<RatusTask> tasks, CancellationToken cancellationToken = default) =>
        _api.UpsertTasks(Data(tasks), cancellationToken);

    /// <inheritdoc />
    public Task<DeleteResult> DeleteTasksAsync(string topic, CancellationToken cancellationToken = default) => _api.DeleteTasks(topic, cancellationToken);

    /// <inheritdoc />
    public Task<RatusTask> GetTaskAsync(string id, CancellationToken cancellationToken = default) => _api.GetTask(id, cancellationToken);

    /// <inheritdoc />
    public Task<UpdateResult> InsertTaskAsync(RatusTask task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        return _api.InsertTask(task.Id, task, cancellationToken);
    }

    /// <inheritdoc />
    public Task<UpdateResult> UpsertTaskAsync(RatusTask task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        return _api.UpsertTask(task.Id, task, cancellationToken);
    }

    /// <inheritdoc />
    public Task<DeleteResult> DeleteTaskAsync(string id, CancellationToken cancellationToken = default) => _api.DeleteTask(id, cancellationToken);

    /// <inheritdoc />
    public Task<RatusTask> PatchTaskAsync(string id, Commit commit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commit);
        return _api.PatchTask(id, commit, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Promise>> ListPromisesAsync(string topic, int limit = 10, int offset = 0, CancellationToken cancellationToken = default) =>
        List(await _api.ListPromises(topic, limit, offset, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public Task<RatusTask> PostPromisesAsync(string topic, Promise promise, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(promise);
        return _api.PostPromises(topic, promise, cancellationToken);
    }

    /// <inheritdoc />
    public Task<DeleteResult> DeletePromisesAsync(string topic, CancellationToken cancellationToken = default) => _api.DeletePromises(topic, cancellationToken);

    /// <inheritdoc />
    public Task<Promise> GetPromiseAsync(string id, CancellationToken cancellationToken = default) => _api.GetPromise(id, cancellationToken);

    /// <inheritdoc />
    public Task<RatusTask> InsertPromiseAsync(Promise promise, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(promise);
        return _api.InsertPromise(promise.Id ?? "", promise, cancellationToken);
    }

    /// <inheritdoc />
    public Task<RatusTask> UpsertPromiseAsync(Promise promise, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(promise);
        return _api.UpsertPromise(promise.Id ?? "", promise, cancellationToken);
    }

    /// <inheritdoc />
    public Task<DeleteResult> DeletePromiseAsync(string id, CancellationToken cancellationToken = default) => _api.DeletePromise(id, cancellationToken);

    /// <inheritdoc />
    public Task GetLivenessAsync(CancellationToken cancellationToken = default) => _api.GetLiveness(cancellationToken);

    /// <inheritdoc />
    public Task GetReadinessAsync(CancellationToken cancellationToken = default) => _api.GetReadiness(cancellationToken);

    /// <inheritdoc />
    public Task<TaskLease?> PollAsync(string topic, Promise? promise = null, CancellationToken cancellationToken = default) =>
        PollAsync(topic, promise, _timeProvider, cancellationToken);

    private async Task<TaskLease?> PollAsync(string topic, Promise? promise, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        promise ??= new Promise();
        if (promise.Consumer is null && _options.Consumer is not null)
        {
            promise = promise with { Consumer = _options.Consumer };
        }

        RatusTask task;
        try
        {
            task = await _api.PostPromises(topic, promise, cancellationToken).ConfigureAwait(false);
        }
        catch (RatusNotFoundException)
        {
            return null;
        }

        return new TaskLease(this, task, timeProvider);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<TaskLease> SubscribeAsync(string topic, SubscribeOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var settings = Settings.From(options);
        var promise = settings.Promise(_options);
        while (!cancellationToken.IsCancellationRequested)
        {
            TaskLease? lease;
            TimeSpan wait;
            try
            {
                lease = await PollAsync(topic, promise, settings.TimeProvider, cancellationToken).ConfigureAwait(false);
                wait = lease is null ? settings.DrainInterval : settings.PollInterval;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                yield break;
            }
            catch (Exception e)
            {
                lease = null;
                wait = settings.ErrorInterval;
                await ReportAsync(settings, topic, e, cancellationToken).ConfigureAwait(false);
            }

            if (lease is not null)
            {
                yield return lease;
            }

            if (!await DelayAsync(wait, settings.TimeProvider, cancellationToken).ConfigureAwait(false))
            {
                yield break;
            }
        }
    }

    /// <inheritdoc />
    public Task SubscribeAsync(string topic, Func<TaskLease, CancellationToken, ValueTask> handler, SubscribeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var settings = Settings.From(options);
        var workers = new Task[settings.Concurrency];
        for (int i = 0; i < workers.Length; i++)
        {
            workers[i] = WorkAsync(topic, handler, settings, i, cancellationToken);
        }

        return Task.WhenAll(workers);
    }

    private async Task WorkAsync(string topic, Func<TaskLease, CancellationToken, ValueTask> handler, Settings settings, int index, CancellationToken cancellationToken)
    {
        await Task.Yield();
        if (!await DelayAsync(settings.ConcurrencyDelay * index, settings.TimeProvider, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var promise = settings.Promise(_options);
        while (!cancellationToken.IsCancellationRequested)
        {
            TimeSpan wait;
            TaskLease? lease;
            try
            {
                lease = await PollAsync(topic, promise, settings.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                await ReportAsync(settings, topic, e, cancellationToken).ConfigureAwait(false);
                if (!await DelayAsync(settings.ErrorInterval, settings.TimeProvider, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                continue;
            }

            if (lease is null)
            {
                wait = settings.DrainInterval;
            }
            else
            {
                await using (lease.ConfigureAwait(false))
                {
                    wait = await HandleAsync(topic, handler, settings, lease, cancellationToken).ConfigureAwait(false);
                }
            }

            if (!await DelayAsync(wait, settings.TimeProvider, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    private async Task<TimeSpan> HandleAsync(string topic, Func<TaskLease, CancellationToken, ValueTask> handler, Settings settings, TaskLease lease, CancellationToken cancellationToken)
    {
        try
        {
            // The subscription's token does not interrupt a running handler: it finishes and its task is committed.
            await handler(lease, lease.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogHandlerFailed(_logger, e, lease.Task.Id, topic);
            await ReportAsync(settings, topic, e, cancellationToken, logged: true).ConfigureAwait(false);
            return settings.ErrorInterval;
        }

        try
        {
            // Not cancelled by the subscription either: a handled task is committed even during shutdown.
            await lease.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            return settings.PollInterval;
        }
        catch (Exception e)
        {
            LogCommitFailed(_logger, e, lease.Task.Id, topic);
            await ReportAsync(settings, topic, e, cancellationToken, logged: true).ConfigureAwait(false);
            return settings.ErrorInterval;
        }
    }

    private async Task ReportAsync(Settings settings, string topic, Exception error, CancellationToken cancellationToken, bool logged = false)
    {
        if (!logged)
        {
            LogPollFailed(_logger, error, topic);
        }

        if (settings.OnError is null || cancellationToken.IsCancellationRequested)
        {
            return;
        }

        try
        {
            await settings.OnError(error, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogOnErrorFailed(_logger, e, topic);
        }
    }

    /// <summary>Waits on the given clock; false when cancelled.</summary>
    private static async Task<bool> DelayAsync(TimeSpan delay, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        if (delay <= TimeSpan.Zero)
        {
            return true;
        }

        try
        {
            await Task.Delay(delay, timeProvider, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static IReadOnlyList<T> List<T>(DataList<T>? list) => (IReadOnlyList<T>?)list?.Data ?? [];

    private static DataList<RatusTask> Data(IEnumerable<RatusTask> tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        return new DataList<RatusTask> { Data = [.. tasks] };
    }

    [LoggerMessage(1, LogLevel.Warning, "Polling topic {Topic} failed")]
    private static partial void LogPollFailed(ILogger logger, Exception error, string topic);

    [LoggerMessage(2, LogLevel.Error, "The handler of task {TaskId} (topic {Topic}) failed; the task is left to its deadline")]
    private static partial void LogHandlerFailed(ILogger logger, Exception error, string taskId, string topic);

    [LoggerMessage(3, LogLevel.Warning, "Committing task {TaskId} (topic {Topic}) failed")]
    private static partial void LogCommitFailed(ILogger logger, Exception error, string taskId, string topic);

    [LoggerMessage(4, LogLevel.Warning, "The OnError callback of the subscription to {Topic} threw")]
    private static partial void LogOnErrorFailed(ILogger logger, Exception error, string topic);

    /// <summary><see cref="SubscribeOptions"/> with the Go client's substitutions for out-of-range values, read once.</summary>
    private sealed record Settings(
        string? Consumer,
        TimeSpan Timeout,
        int Concurrency,
        TimeSpan ConcurrencyDelay,
        TimeSpan PollInterval,
        TimeSpan DrainInterval,
        TimeSpan ErrorInterval,
        Func<Exception, CancellationToken, ValueTask>? OnError,
        TimeProvider TimeProvider)
    {
        public static Settings From(SubscribeOptions? o)
        {
            o ??= new SubscribeOptions();
            return new Settings(
                o.Consumer,
                o.Timeout,
                Math.Max(1, o.Concurrency),
                o.ConcurrencyDelay > TimeSpan.Zero ? o.ConcurrencyDelay : TimeSpan.FromSeconds(1),
                o.PollInterval > TimeSpan.Zero ? o.PollInterval : TimeSpan.Zero,
                o.DrainInterval > TimeSpan.Zero ? o.DrainInterval : TimeSpan.FromSeconds(5),
                o.ErrorInterval > TimeSpan.Zero ? o.ErrorInterval : TimeSpan.FromSeconds(30),
                o.OnError,
                o.TimeProvider ?? TimeProvider.System);
        }

        public Promise Promise(RatusClientOptions client) => new() { Consumer = Consumer ?? client.Consumer, Timeout = Timeout };
    }
}
