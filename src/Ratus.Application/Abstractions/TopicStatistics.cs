namespace Ratus.Application.Abstractions;

// What a queue operator looks at first, per topic: tasks by state, how many pending tasks are due (scheduled at or
// before "now"), and the scheduled time of the oldest due task (null when none is due).
public sealed record TopicStatistics(
    string Topic,
    long Pending,
    long Due,
    long Active,
    long Completed,
    long Archived,
    DateTime? OldestDueScheduled);
