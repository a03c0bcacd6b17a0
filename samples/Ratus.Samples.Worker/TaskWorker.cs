using Microsoft.Extensions.Options;
using Ratus.Client;

namespace Ratus.Samples.Worker;

/// <summary>Consumes the configured topic until the host stops. Each task is logged, then committed as completed by
/// the subscription; a task whose handler throws is left to its deadline and handed out again.</summary>
public sealed partial class TaskWorker(IRatusClient client, IOptions<WorkerOptions> options, ILogger<TaskWorker> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        LogStarted(logger, settings.Topic, settings.Concurrency);

        // Returns when stoppingToken fires (Ctrl+C, SIGTERM), once the tasks in hand are handled and committed.
        // Failed polls and handlers are logged by the client (category Ratus.Client.RatusClient) and retried later.
        var subscribe = new SubscribeOptions { Concurrency = settings.Concurrency };
        return client.SubscribeAsync(settings.Topic, HandleAsync, subscribe, stoppingToken);
    }

    private ValueTask HandleAsync(TaskLease lease, CancellationToken cancellationToken)
    {
        var task = lease.Task;
        LogTask(logger, task.Id, task.Topic, task.Producer, task.Payload?.GetRawText());

        // The real work goes here, given cancellationToken, which fires when the promise is about to expire.
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(1, LogLevel.Information, "Consuming topic {Topic} with {Concurrency} worker(s)")]
    private static partial void LogStarted(ILogger logger, string topic, int concurrency);

    [LoggerMessage(2, LogLevel.Information, "Task {TaskId} of topic {Topic} from {Producer}: {Payload}")]
    private static partial void LogTask(ILogger logger, string taskId, string topic, string? producer, string? payload);
}
