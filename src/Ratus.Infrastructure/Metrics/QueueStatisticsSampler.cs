using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ratus.Application.Abstractions;
using Ratus.Application.Diagnostics;

namespace Ratus.Infrastructure.Metrics;

/// Reads the engine's per-topic statistics every <see cref="MetricsOptions.StatisticsInterval"/> and hands them to
/// <see cref="RatusMetrics"/>, whose observable gauges report the latest sample: a scrape never queries the engine.
public sealed partial class QueueStatisticsSampler(
    ITaskRepository repository,
    RatusMetrics metrics,
    IOptions<MetricsOptions> options,
    TimeProvider timeProvider,
    ILogger<QueueStatisticsSampler> logger) : BackgroundService
{
    /// Takes one sample now; a failure keeps the previous one (readiness reports an engine that is down).
    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        try
        {
            metrics.UpdateStatistics(await repository.GetStatisticsAsync(cancellationToken));
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogSampleFailed(logger, exception);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.StatisticsInterval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, timeProvider);
        try
        {
            do
            {
                await SampleAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "sampling queue statistics failed")]
    private static partial void LogSampleFailed(ILogger logger, Exception exception);
}
