using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Ratus.Application.Abstractions;
using Ratus.Domain.Tasks;

namespace Ratus.Application.Diagnostics;

// Every ratus_* instrument, on the meter "Ratus" from the host's IMeterFactory. The first seven keep the original's
// names and meaning (docs/protocol.md §6, D8); the Prometheus exporter adds "_total" to counters and nothing else, since the
// names already end with their unit. The queue gauges read the latest engine statistics that a background sampler
// stores here, so a scrape never waits for the database.
public sealed class RatusMetrics : ITaskRecoveryObserver, IStorageFailureObserver
{
    public const string MeterName = "Ratus";

    public const string RequestDuration = "ratus_request_duration_seconds";
    public const string ChoreDuration = "ratus_chore_duration_seconds";
    public const string ScheduleDelay = "ratus_task_schedule_delay_seconds";
    public const string ExecutionDuration = "ratus_task_execution_duration_seconds";
    public const string Produced = "ratus_task_produced_count";
    public const string Consumed = "ratus_task_consumed_count";
    public const string Committed = "ratus_task_committed_count";
    public const string Tasks = "ratus_tasks";
    public const string OldestDueAge = "ratus_oldest_due_task_age_seconds";
    public const string Recovered = "ratus_promises_recovered";
    public const string CommitsRejected = "ratus_commits_rejected";
    public const string SnapshotFailures = "ratus_snapshot_failures";
    public const string LogFailures = "ratus_aof_failures";

    // Longest label value, in UTF-16 code units. Producers, consumers and topics are free text of any length; without a
    // bound, each task with a 1 MB producer added megabytes to every scrape for the life of the process.
    public const int MaxLabelLength = 128;

    // The original's histogram buckets, in seconds.
    public static readonly double[] DurationBuckets = [0.01, 0.1, 0.5, 1, 2, 5];

    private static readonly string[] StateNames = ["pending", "due", "active", "completed", "archived"];

    private readonly TimeProvider _time;
    private readonly Histogram<double> _requestDuration;
    private readonly Histogram<double> _choreDuration;
    private readonly Gauge<double> _scheduleDelay;
    private readonly Gauge<double> _executionDuration;
    private readonly Counter<long> _produced;
    private readonly Counter<long> _consumed;
    private readonly Counter<long> _committed;
    private readonly Counter<long> _recovered;
    private readonly Counter<long> _commitsRejected;
    private readonly Counter<long> _snapshotFailures;
    private readonly Counter<long> _logFailures;

    private volatile IReadOnlyList<TopicStatistics> _statistics = [];

    public RatusMetrics(IMeterFactory meterFactory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _time = time;
        var meter = meterFactory.Create(MeterName);
        var buckets = new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets };

        _requestDuration = meter.CreateHistogram(
            RequestDuration, "s", "Duration of API requests by topic, method, route template and status code.", tags: null, advice: buckets);
        _choreDuration = meter.CreateHistogram(
            ChoreDuration, "s", "Duration of each run of the periodic chore.", tags: null, advice: buckets);
        _scheduleDelay = meter.CreateGauge<double>(
            ScheduleDelay, "s", "Consumed minus scheduled time of the task last claimed.");
        _executionDuration = meter.CreateGauge<double>(
            ExecutionDuration, "s", "Commit time minus consumed time of the task last committed.");
        _produced = meter.CreateCounter<long>(Produced, null, "Tasks created or replaced by push requests.");
        _consumed = meter.CreateCounter<long>(Consumed, null, "Tasks claimed by promises.");
        _committed = meter.CreateCounter<long>(Committed, null, "Tasks committed.");
        _recovered = meter.CreateCounter<long>(
            Recovered, null, "Expired promises returned to pending by recovery (each is a redelivery).");
        _commitsRejected = meter.CreateCounter<long>(
            CommitsRejected, null, "Commits refused with 409 because the nonce was stale.");
        _snapshotFailures = meter.CreateCounter<long>(SnapshotFailures, null, "Snapshots of the memdb engine that could not be written.");
        _logFailures = meter.CreateCounter<long>(
            LogFailures, null, "Writes, fsyncs and truncations of the memdb append-only log that failed.");
        meter.CreateObservableGauge(Tasks, ObserveTasks, null, "Tasks by topic and state; due = pending and scheduled at or before now.");
        meter.CreateObservableGauge(OldestDueAge, ObserveOldestDueAge, "s", "Age of the oldest due pending task by topic (0 when none is due).");
    }

    public void RecordRequest(TimeSpan elapsed, string topic, string method, string endpoint, int statusCode)
    {
        var tags = new TagList
        {
            { "topic", Label(topic) },
            { "method", method },
            { "endpoint", endpoint },
            { "status_code", statusCode.ToString(CultureInfo.InvariantCulture) },
        };
        _requestDuration.Record(elapsed.TotalSeconds, tags);
    }

    public void RecordChore(TimeSpan elapsed) => _choreDuration.Record(elapsed.TotalSeconds);

    public void TasksProduced(string topic, string producer, long count) =>
        _produced.Add(count, new TagList { { "topic", Label(topic) }, { "producer", Label(producer) } });

    // A successful claim (wildcard, POST or PUT promise) of the returned task.
    public void TaskConsumed(RatusTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        var tags = TaskTags(task);
        _consumed.Add(1, tags);
        if (task.Consumed is { } consumed && task.Scheduled is { } scheduled)
        {
            _scheduleDelay.Record((consumed - scheduled).TotalSeconds, tags);
        }
    }

    // A successful commit; the task is the updated one (its new topic).
    public void TaskCommitted(RatusTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        var tags = TaskTags(task);
        _committed.Add(1, tags);
        if (task.Consumed is { } consumed)
        {
            _executionDuration.Record((_time.GetUtcNow().UtcDateTime - consumed).TotalSeconds, tags);
        }
    }

    public void CommitRejected(string topic) => _commitsRejected.Add(1, new TagList { { "topic", Label(topic) } });

    public void OnRecovered(string topic, long count) => _recovered.Add(count, new TagList { { "topic", Label(topic) } });

    public void OnSnapshotFailed() => _snapshotFailures.Add(1);

    public void OnLogFailed() => _logFailures.Add(1);

    // The latest engine statistics; the queue gauges report them until the next sample.
    public void UpdateStatistics(IReadOnlyList<TopicStatistics> statistics) => _statistics = statistics;

    // A label value cut at MaxLabelLength, never inside a surrogate pair; values that share their first
    // MaxLabelLength characters share a series.
    public static string Label(string? value)
    {
        if (value is null)
        {
            return "";
        }

        if (value.Length <= MaxLabelLength)
        {
            return value;
        }

        var length = char.IsHighSurrogate(value[MaxLabelLength - 1]) ? MaxLabelLength - 1 : MaxLabelLength;
        return value[..length];
    }

    private static TagList TaskTags(RatusTask task) => new()
    {
        { "topic", Label(task.Topic) },
        { "producer", Label(task.Producer) },
        { "consumer", Label(task.Consumer) },
    };

    private IEnumerable<Measurement<long>> ObserveTasks()
    {
        foreach (var topic in _statistics)
        {
            long[] counts = [topic.Pending, topic.Due, topic.Active, topic.Completed, topic.Archived];
            for (var i = 0; i < counts.Length; i++)
            {
                yield return new Measurement<long>(counts[i], new TagList { { "topic", Label(topic.Topic) }, { "state", StateNames[i] } });
            }
        }
    }

    private IEnumerable<Measurement<double>> ObserveOldestDueAge()
    {
        var now = _time.GetUtcNow().UtcDateTime;
        foreach (var topic in _statistics)
        {
            var age = topic.OldestDueScheduled is { } scheduled ? Math.Max(0, (now - scheduled).TotalSeconds) : 0;
            yield return new Measurement<double>(age, new TagList { { "topic", Label(topic.Topic) } });
        }
    }
}
