namespace Ratus.Client;

/// <summary>Settings of <see cref="IRatusClient.SubscribeAsync(string, Func{TaskLease, CancellationToken, ValueTask}, SubscribeOptions?, CancellationToken)"/>
/// and of its <see cref="IAsyncEnumerable{T}"/> overload. The defaults are those of the Go client.</summary>
public sealed class SubscribeOptions
{
    /// <summary>The consumer identifier sent with every poll.</summary>
    /// <value><see langword="null"/> by default: <see cref="RatusClientOptions.Consumer"/> is used.</value>
    public string? Consumer { get; set; }

    /// <summary>The promise timeout of every poll. Each lease's <see cref="TaskLease.CancellationToken"/> fires a safety margin
    /// (10 % of it, at most 5 seconds) before this long after the claim.</summary>
    /// <value>10 minutes by default.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The number of concurrent pollers of the handler overload (values below 1 mean 1). The
    /// <see cref="IAsyncEnumerable{T}"/> overload always polls one at a time.</summary>
    /// <value>1 by default.</value>
    public int Concurrency { get; set; } = 1;

    /// <summary>The stagger between pollers: poller <em>i</em> makes its first poll after <em>i</em> × this delay
    /// (values at or below zero mean 1 second).</summary>
    /// <value>1 second by default.</value>
    public TimeSpan ConcurrencyDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The wait after a task has been handled before the next poll.</summary>
    /// <value><see cref="TimeSpan.Zero"/> by default: poll again immediately.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.Zero;

    /// <summary>The wait after a poll found nothing due (404) (values at or below zero mean 5 seconds).</summary>
    /// <value>5 seconds by default.</value>
    public TimeSpan DrainInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The wait after a failed poll, a failed auto-commit or a handler that threw (values at or below zero mean 30 seconds).</summary>
    /// <value>30 seconds by default.</value>
    public TimeSpan ErrorInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Called with every error of the subscription (failed poll, handler exception, failed auto-commit) while it
    /// is not cancelled. Errors are logged either way, by the client's logger (category <c>Ratus.Client.RatusClient</c>):
    /// the host's logging for a client from DI; for a client from
    /// <see cref="RatusClient.Create(RatusClientOptions, Microsoft.Extensions.Logging.ILoggerFactory?)"/>, its logger
    /// factory, or standard error without one. An exception thrown by this callback is logged and ignored.</summary>
    /// <value><see langword="null"/> by default: errors are only logged.</value>
    public Func<Exception, CancellationToken, ValueTask>? OnError { get; set; }

    /// <summary>The clock of every wait and of the leases' deadline tokens.</summary>
    /// <value><see cref="TimeProvider.System"/> by default.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
