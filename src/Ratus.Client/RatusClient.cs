using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Ratus.Client.Internal;

namespace Ratus.Client;

/// <summary>The Ratus client. Resolve <see cref="IRatusClient"/> from DI after
/// <see cref="RatusClientServiceCollectionExtensions.AddRatusClient(IServiceCollection, Action{RatusClientOptions})"/>,
/// or call <see cref="Create(RatusClientOptions, ILoggerFactory?)"/> in a program without DI (and dispose the client it
/// returns).</summary>
/// <remarks>See <see cref="IRatusClient"/> for errors, retries and path escaping.</remarks>
public sealed partial class RatusClient : IRatusClient, IAsyncDisposable, IDisposable
{
    private readonly IRatusApi _api;
    private readonly RatusClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Ownership? _owned;
    private int _disposed;

    internal RatusClient(IRatusApi api, RatusClientOptions options, TimeProvider? timeProvider, ILogger? logger)
        : this(api, options, timeProvider, logger, null)
    {
    }

    private RatusClient(IRatusApi api, RatusClientOptions options, TimeProvider? timeProvider, ILogger? logger, Ownership? owned)
    {
        _api = api;
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _owned = owned;
    }

    /// <summary>Creates a client with its own <see cref="HttpClient"/> and the same resilience as the DI registration.</summary>
    /// <remarks>The client owns its HTTP handlers and connections: dispose it when done. A subscription's errors (failed
    /// polls, handler exceptions, failed commits) are logged to <paramref name="loggerFactory"/>; without one, its warnings
    /// and errors are written to standard error, one line each. Pass
    /// <see cref="Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance"/> to write nothing.</remarks>
    /// <param name="options">The settings; <see cref="RatusClientOptions.BaseAddress"/> is required.</param>
    /// <param name="loggerFactory">Where the client logs (category <c>Ratus.Client.RatusClient</c>), as do its HTTP client
    /// and retries; <see langword="null"/> for standard error.</param>
    /// <returns>A client, to keep for the life of the program and dispose at its end.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid.</exception>
    public static RatusClient Create(RatusClientOptions options, ILoggerFactory? loggerFactory = null) => Create(options, loggerFactory, null);

    /// <summary><see cref="Create(RatusClientOptions, ILoggerFactory?)"/>, with a hook for the tests to reach the HTTP client.</summary>
    internal static RatusClient Create(RatusClientOptions options, ILoggerFactory? loggerFactory, Action<IHttpClientBuilder>? configureHttp)
    {
        ArgumentNullException.ThrowIfNull(options);
        var services = new ServiceCollection();
        if (loggerFactory is not null)
        {
            // Registered first, so that the HTTP client's own logging uses it too; the container does not dispose it.
            services.AddSingleton(loggerFactory);
        }

        var http = services.AddRatusClient(o => CopyTo(options, o));
        configureHttp?.Invoke(http);
        var primaryHandler = new StrongBox<HttpMessageHandler?>();
        http.ConfigurePrimaryHttpMessageHandler((handler, _) => primaryHandler.Value = handler);
        var owned = new Ownership(services.BuildServiceProvider(), primaryHandler);
        try
        {
            return new RatusClient(
                owned.Services.GetRequiredService<IRatusApi>(),
                owned.Services.GetRequiredService<IOptions<RatusClientOptions>>().Value,
                timeProvider: null,
                (ILogger?)loggerFactory?.CreateLogger<RatusClient>() ?? new StandardErrorLogger(typeof(RatusClient).FullName!),
                owned);
        }
        catch (Exception)
        {
            owned.Dispose();
            throw;
        }
    }

    /// <summary>Frees what the client owns. A client from <see cref="Create(RatusClientOptions, ILoggerFactory?)"/> owns its
    /// HTTP handlers and connections: they are released, and every later call (and a running subscription's next poll)
    /// throws <see cref="ObjectDisposedException"/>. A client from DI owns nothing (its container owns the HTTP client), so
    /// disposing it has no effect.</summary>
    public void Dispose()
    {
        if (_owned is not null && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _owned.Dispose();
        }
    }

    /// <summary>Frees what the client owns, as <see cref="Dispose"/> does.</summary>
    /// <returns>A task that completes when the client's resources are released.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_owned is not null && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _owned.DisposeAsync().ConfigureAwait(false);
        }
    }

    private bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    private IRatusApi Api => IsDisposed ? throw new ObjectDisposedException(nameof(RatusClient)) : _api;

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
        List(await Api.ListTopics(limit, offset, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public Task<DeleteResult> DeleteTopicsAsync(CancellationToken cancellationToken = default) => Api.DeleteTopics(cancellationToken);

    /// <inheritdoc />
    public Task<Topic> GetTopicAsync(string topic, CancellationToken cancellationToken = default) => Api.GetTopic(topic, cancellationToken);

    /// <inheritdoc />
    public Task<DeleteResult> DeleteTopicAsync(string topic, CancellationToken cancellationToken = default) => Api.DeleteTopic(topic, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<RatusTask>> ListTasksAsync(string topic, int limit = 10, int offset = 0, CancellationToken cancellationToken = default) =>
        List(await Api.ListTasks(topic, limit, offset, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public Task<UpdateResult> InsertTasksAsync(IEnumerable<RatusTask> tasks, CancellationToken cancellationToken = default) =>
        Api.InsertTasks(Data(tasks), cancellationToken);

    /// <inheritdoc />
    public Task<UpdateResult> UpsertTasksAsync(IEnumerable<RatusTask> tasks, CancellationToken cancellationToken = default) =>
        Api.UpsertTasks(Data(tasks), cancellationToken);

    /// <inheritdoc />
    public Task<DeleteResult> DeleteTasksAsync(string topic, CancellationToken cancellationToken = default) => Api.DeleteTasks(topic, cancellationToken);

    /// <inheritdoc />
    public Task<RatusTask> GetTaskAsync(string id, CancellationToken cancellationToken = default) => Api.GetTask(id, cancellationToken);

    /// <inheritdoc />
    public Task<UpdateResult> InsertTaskAsync(RatusTask task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        return Api.InsertTask(task.Id, task, cancellationToken);
    }

    /// <inheritdoc />
    public Task<UpdateResult> UpsertTaskAsync(RatusTask task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        return Api.UpsertTask(task.Id, task, cancellationToken);
    }

    /// <inheritdoc />
    public Task<DeleteResult> DeleteTaskAsync(string id, CancellationToken cancellationToken = default) => Api.DeleteTask(id, cancellationToken);

    /// <inheritdoc />
    public Task<RatusTask> PatchTaskAsync(string id, Commit commit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commit);
        return Api.PatchTask(id, commit, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Promise>> ListPromisesAsync(string topic, int limit = 10, int offset = 0, CancellationToken cancellationToken = default) =>
        List(await Api.ListPromises(topic, limit, offset, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public Task<RatusTask> PostPromisesAsync(string topic, Promise promise, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(promise);
        return Api.PostPromises(topic, promise, cancellationToken);
    }

    /// <inheritdoc />
    public Task<DeleteResult> DeletePromisesAsync(string topic, CancellationToken cancellationToken = default) => Api.DeletePromises(topic, cancellationToken);

    /// <inheritdoc />
    public Task<Promise> GetPromiseAsync(string id, CancellationToken cancellationToken = default) => Api.GetPromise(id, cancellationToken);

    /// <inheritdoc />
    public Task<RatusTask> InsertPromiseAsync(Promise promise, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(promise);
        return Api.InsertPromise(promise.Id ?? "", promise, cancellationToken);
    }

    /// <inheritdoc />
    public Task<RatusTask> UpsertPromiseAsync(Promise promise, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(promise);
        return Api.UpsertPromise(promise.Id ?? "", promise, cancellationToken);
    }

    /// <inheritdoc />
    public Task<DeleteResult> DeletePromiseAsync(string id, CancellationToken cancellationToken = default) => Api.DeletePromise(id, cancellationToken);

    /// <inheritdoc />
    public Task GetLivenessAsync(CancellationToken cancellationToken = default) => Api.GetLiveness(cancellationToken);

    /// <inheritdoc />
    public Task GetReadinessAsync(CancellationToken cancellationToken = default) => Api.GetReadiness(cancellationToken);

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
            task = await Api.PostPromises(topic, promise, cancellationToken).ConfigureAwait(false);
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
            catch (ObjectDisposedException) when (IsDisposed)
            {
                throw;
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
            catch (ObjectDisposedException) when (IsDisposed)
            {
                throw;
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

    /// <summary>What a client from <see cref="Create(RatusClientOptions, ILoggerFactory?)"/> owns: its private container, and
    /// the primary handler that holds the connections, which the container's <see cref="IHttpClientFactory"/> never
    /// disposes (the handler lifetime is infinite, so the factory leaves the handler to the clients that use it).</summary>
    private sealed class Ownership(ServiceProvider services, StrongBox<HttpMessageHandler?> primaryHandler) : IAsyncDisposable, IDisposable
    {
        public ServiceProvider Services => services;

        public void Dispose()
        {
            services.Dispose();
            primaryHandler.Value?.Dispose();
        }

        public async ValueTask DisposeAsync()
        {
            await services.DisposeAsync().ConfigureAwait(false);
            primaryHandler.Value?.Dispose();
        }
    }

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
