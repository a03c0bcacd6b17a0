using Ratus.Domain.Time;

namespace Ratus.Domain.Tasks;

// A task as stored by an engine. Times are UTC; <see cref="Payload"/> is the exact UTF-8 JSON text the producer sent.
public sealed record RatusTask
{
    public required string Id { get; init; }

    public required string Topic { get; init; }

    public TaskState State { get; init; }

    public string Nonce { get; init; } = "";

    public string? Producer { get; init; }

    public string? Consumer { get; init; }

    // The times are kept as UTC ticks (Unset when absent) plus the nanoseconds beyond the tick rather than as
    // Timestamp? (24 bytes each with its flag and padding): the memory engine holds one record per task. The four
    // bytes fill the padding after State, so a record is no larger than with ticks alone.
    private const long Unset = long.MinValue;
    private readonly long _produced = Unset;
    private readonly long _scheduled = Unset;
    private readonly long _consumed = Unset;
    private readonly long _deadline = Unset;
    private readonly byte _producedNanoseconds;
    private readonly byte _scheduledNanoseconds;
    private readonly byte _consumedNanoseconds;
    private readonly byte _deadlineNanoseconds;

    public Timestamp? Produced
    {
        get => From(_produced, _producedNanoseconds);
        init => (_produced, _producedNanoseconds) = To(value);
    }

    public Timestamp? Scheduled
    {
        get => From(_scheduled, _scheduledNanoseconds);
        init => (_scheduled, _scheduledNanoseconds) = To(value);
    }

    public Timestamp? Consumed
    {
        get => From(_consumed, _consumedNanoseconds);
        init => (_consumed, _consumedNanoseconds) = To(value);
    }

    public Timestamp? Deadline
    {
        get => From(_deadline, _deadlineNanoseconds);
        init => (_deadline, _deadlineNanoseconds) = To(value);
    }

    public byte[]? Payload { get; init; }

    // The W3C trace context (`00-<trace-id>-<span-id>-<flags>`) of the request that produced the task, so that a
    // consumer's span can link to the producer's; null when unknown.
    public string? TraceParent { get; init; }

    private static Timestamp? From(long ticks, byte nanoseconds) => ticks == Unset ? null : new Timestamp(ticks, nanoseconds);

    private static (long Ticks, byte Nanoseconds) To(Timestamp? time) =>
        time is { } value ? (value.Ticks, (byte)value.SubTickNanoseconds) : (Unset, (byte)0);
}
