using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ratus.Application.Abstractions;
using Ratus.Application.Diagnostics;
using Ratus.Domain.Errors;

namespace Ratus.Infrastructure.Chores;

/// Runs the engine's periodic chore (recovery, retention purge, snapshots) and, between chores, a short recovery loop
/// so that expired promises become pollable again within a second of their deadline (docs/protocol.md, D3).
public sealed partial class ChoreService(
    ITaskRepository repository,
    IOptions<ChoreOptions> options,
    TimeProvider timeProvider,
    ILogger<ChoreService> logger,
    RatusMetrics? metrics = null) : BackgroundService
{
    private DateTimeOffset _startedAt;

    /// The factor in [0, 1) that scales the initial delay when InitialRandom is set (tests: a fixed one).
    internal Func<double> NextRandomFactor { get; init; } = Random.Shared.NextDouble;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Taken here, not in ExecuteAsync: .NET 10 runs ExecuteAsync on the thread pool, and the schedule must count
        // from the moment the host started the service.
        _startedAt = timeProvider.GetUtcNow();
        return base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (settings.Interval <= TimeSpan.Zero)
        {
            return Task.CompletedTask;
        }

        var factor = settings.InitialRandom ? NextRandomFactor() : 1.0;
        var chores = RunEveryAsync(settings.InitialDelay * factor, settings.Interval, RunChoreAsync, stoppingToken);
        if (settings.RecoveryInterval <= TimeSpan.Zero)
        {
            return chores;
        }

        var recovery = RunEveryAsync(settings.RecoveryInterval, settings.RecoveryInterval, RecoverAsync, stoppingToken);
        return Task.WhenAll(chores, recovery);
    }

    // Runs on a fixed schedule computed from the clock, like a Go ticker: a run that overruns skips the ticks it
    // missed instead of queuing them, and the schedule does not drift by the time each run takes.
    private async Task RunEveryAsync(
        TimeSpan initialDelay, TimeSpan interval, Func<CancellationToken, Task> job, CancellationToken stoppingToken)
    {
        var next = _startedAt + initialDelay;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var delay = next - timeProvider.GetUtcNow();
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, timeProvider, stoppingToken);
                }

                await job(stoppingToken);

                next += interval;
                var now = timeProvider.GetUtcNow();
                if (next < now)
                {
                    next += interval * Math.Ceiling((now - next) / interval);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task RunChoreAsync(CancellationToken stoppingToken)
    {
        var started = timeProvider.GetTimestamp();
        try
        {
            await repository.ChoreAsync(stoppingToken);
            var elapsed = timeProvider.GetElapsedTime(started);
            metrics?.RecordChore(elapsed);
            LogChoreCompleted(logger, elapsed.TotalMilliseconds);
        }
        catch (ServiceUnavailableException exception)
        {
            // The engine logs its own outage, once when it begins and once when it ends; a stack trace per run would
            // flood the log. The next tick tries again.
            LogChoreSkipped(logger, exception.Message);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // One failed run must not stop the background jobs; the next tick tries again.
            LogChoreFailed(logger, exception);
        }
    }

    private async Task RecoverAsync(CancellationToken stoppingToken)
    {
        try
        {
            var recovered = await repository.RecoverExpiredAsync(stoppingToken);
            if (recovered > 0)
            {
                LogRecovered(logger, recovered);
            }
        }
        catch (ServiceUnavailableException exception)
        {
            LogRecoverySkipped(logger, exception.Message);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            LogRecoveryFailed(logger, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "chore completed in {ElapsedMilliseconds} ms")]
    private static partial void LogChoreCompleted(ILogger logger, double elapsedMilliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "chore failed")]
    private static partial void LogChoreFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "chore skipped: {Reason}")]
    private static partial void LogChoreSkipped(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "recovery skipped: {Reason}")]
    private static partial void LogRecoverySkipped(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "recovered {Count} expired promises")]
    private static partial void LogRecovered(ILogger logger, long count);

    [LoggerMessage(Level = LogLevel.Error, Message = "recovering expired promises failed")]
    private static partial void LogRecoveryFailed(ILogger logger, Exception exception);
}
