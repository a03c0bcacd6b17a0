namespace Ratus.Infrastructure.Metrics;

public sealed class MetricsOptions
{
    public const string SectionName = "Metrics";

    // How often the queue gauges (ratus_tasks, ratus_oldest_due_task_age_seconds) are refreshed from the engine.
    // Zero or less turns the sampling off.
    public TimeSpan StatisticsInterval { get; set; } = TimeSpan.FromSeconds(5);
}
