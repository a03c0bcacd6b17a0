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

    // The times are kept as UTC ticks (Unset when absent) rather than DateTime? (16 bytes each with its flag and
    // padding): the memory engine holds one record per task, and this saves 32 bytes of each.
    private const long Unset = long.MinValue;
    private readonly long _produced = Unset;
    private readonly long _scheduled = Unset;
    private readonly long _consumed = Unset;
    private readonly long _deadline = Unset;

    public DateTime? Produced { get => FromTicks(_produced); init => _produced = ToTicks(value); }

    public DateTime? Scheduled { get => FromTicks(_scheduled); init => _scheduled = ToTicks(value); }

    public DateTime? Consumed { get => FromTicks(_consumed); init => _consumed = ToTicks(value); }

    public DateTime? Deadline { get => FromTicks(_deadline); init => _deadline = ToTicks(value); }

    public byte[]? Payload { get; init; }

    // The W3C trace context (`00-<trace-id>-<span-id>-<flags>`) of the request that produced the task, so that a
    // consumer's span can link to the producer's; null when unknown.
    public string? TraceParent { get; init; }

    private static DateTime? FromTicks(long ticks) => ticks == Unset ? null : new DateTime(ticks, DateTimeKind.Utc);

    private static long ToTicks(DateTime? time) => time switch
    {
        null => Unset,
        { Kind: DateTimeKind.Local } local => local.ToUniversalTime().Ticks,
        { } utc => utc.Ticks,
    };
}
