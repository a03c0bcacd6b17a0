using Ratus.Domain.Tasks;
using Ratus.Domain.Time;

namespace Ratus.Infrastructure.InMemory;

/// One task as a snapshot record: state, a presence bitmap, ID, topic, nonce, then the optional fields.
/// Times are stored as UTC ticks, the payload as its exact bytes. Format version 2 added the trace parent after the
/// payload; version 1 records have no such flag. Version 4 keeps nanoseconds: when a time of the task has some beyond
/// its tick, the state byte carries <see cref="SubTickNanoseconds"/> and every time stored is followed by a byte of
/// them (0–99). A record without them is the same in every version, so a log of an older format can go on in this one.
internal static class TaskRecordCodec
{
    public const uint SubTickVersion = 4;

    private const byte SubTickNanoseconds = 0x80;

    [Flags]
    private enum Fields : byte
    {
        None = 0,
        Producer = 1,
        Consumer = 2,
        Produced = 4,
        Scheduled = 8,
        Consumed = 16,
        Deadline = 32,
        Payload = 64,
        TraceParent = 128,
    }

    private const Fields Version1Fields = (Fields)127;
    private const Fields AllFields = (Fields)255;

    public static void Write(SnapshotWriter writer, RatusTask task)
    {
        var fields = Fields.None;
        fields |= task.Producer is null ? Fields.None : Fields.Producer;
        fields |= task.Consumer is null ? Fields.None : Fields.Consumer;
        fields |= task.Produced is null ? Fields.None : Fields.Produced;
        fields |= task.Scheduled is null ? Fields.None : Fields.Scheduled;
        fields |= task.Consumed is null ? Fields.None : Fields.Consumed;
        fields |= task.Deadline is null ? Fields.None : Fields.Deadline;
        fields |= task.Payload is null ? Fields.None : Fields.Payload;
        fields |= task.TraceParent is null ? Fields.None : Fields.TraceParent;

        var subTicks = HasSubTicks(task.Produced) || HasSubTicks(task.Scheduled) || HasSubTicks(task.Consumed)
            || HasSubTicks(task.Deadline);
        writer.WriteByte((byte)((byte)task.State | (subTicks ? SubTickNanoseconds : 0)));
        writer.WriteByte((byte)fields);
        writer.WriteString(task.Id);
        writer.WriteString(task.Topic);
        writer.WriteString(task.Nonce);
        WriteString(writer, task.Producer);
        WriteString(writer, task.Consumer);
        WriteTime(writer, task.Produced, subTicks);
        WriteTime(writer, task.Scheduled, subTicks);
        WriteTime(writer, task.Consumed, subTicks);
        WriteTime(writer, task.Deadline, subTicks);
        if (task.Payload is { } payload)
        {
            writer.WriteLength(payload.Length);
            writer.WriteBytes(payload);
        }

        WriteString(writer, task.TraceParent);
    }

    public static RatusTask Read(SnapshotReader reader, uint version = SnapshotFile.FormatVersion)
    {
        var state = reader.ReadByte();
        var subTicks = version >= SubTickVersion && (state & SubTickNanoseconds) != 0;
        if (subTicks)
        {
            state ^= SubTickNanoseconds;
        }

        if (!TaskStates.IsDefined(state))
        {
            throw new InvalidDataException($"invalid task state {state}");
        }

        var fields = (Fields)reader.ReadByte();
        if ((fields & ~(version < 2 ? Version1Fields : AllFields)) != 0)
        {
            throw new InvalidDataException($"unknown field flags 0x{(byte)fields:x2}");
        }

        var id = reader.ReadString(intern: false);
        var topic = reader.ReadString(intern: true);
        var nonce = reader.ReadString(intern: false);
        var producer = fields.HasFlag(Fields.Producer) ? reader.ReadString(intern: true) : null;
        var consumer = fields.HasFlag(Fields.Consumer) ? reader.ReadString(intern: true) : null;
        var produced = ReadTime(reader, fields, Fields.Produced, subTicks);
        var scheduled = ReadTime(reader, fields, Fields.Scheduled, subTicks);
        var consumed = ReadTime(reader, fields, Fields.Consumed, subTicks);
        var deadline = ReadTime(reader, fields, Fields.Deadline, subTicks);
        var payload = fields.HasFlag(Fields.Payload) ? reader.ReadBytes(reader.ReadLength()) : null;
        var traceParent = fields.HasFlag(Fields.TraceParent) ? reader.ReadString(intern: false) : null;
        return new RatusTask
        {
            Id = id,
            Topic = topic,
            State = (TaskState)state,
            Nonce = nonce,
            Producer = producer,
            Consumer = consumer,
            Produced = produced,
            Scheduled = scheduled,
            Consumed = consumed,
            Deadline = deadline,
            Payload = payload,
            TraceParent = traceParent,
        };
    }

    private static void WriteString(SnapshotWriter writer, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(value);
        }
    }

    private static bool HasSubTicks(Timestamp? time) => time is { SubTickNanoseconds: not 0 };

    private static void WriteTime(SnapshotWriter writer, Timestamp? value, bool subTicks)
    {
        if (value is { } time)
        {
            writer.WriteInt64(time.Ticks);
            if (subTicks)
            {
                writer.WriteByte((byte)time.SubTickNanoseconds);
            }
        }
    }

    private static Timestamp? ReadTime(SnapshotReader reader, Fields fields, Fields field, bool subTicks)
    {
        if (!fields.HasFlag(field))
        {
            return null;
        }

        var ticks = reader.ReadInt64();
        if (ticks is < 0 or > 3_155_378_975_999_999_999)
        {
            throw new InvalidDataException($"invalid time value {ticks}");
        }

        var nanoseconds = subTicks ? reader.ReadByte() : 0;
        if (nanoseconds >= Timestamp.NanosecondsPerTick)
        {
            throw new InvalidDataException($"invalid nanoseconds {nanoseconds} beyond the tick");
        }

        return new Timestamp(ticks, nanoseconds);
    }
}
