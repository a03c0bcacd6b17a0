using Ratus.Domain.Tasks;

namespace Ratus.Infrastructure.InMemory;

/// One task as a snapshot record: state, a presence bitmap, ID, topic, nonce, then the optional fields.
/// Times are stored as UTC ticks, the payload as its exact bytes. Format version 2 added the trace parent after the
/// payload; version 1 records have no such flag.
internal static class TaskRecordCodec
{
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

        writer.WriteByte((byte)task.State);
        writer.WriteByte((byte)fields);
        writer.WriteString(task.Id);
        writer.WriteString(task.Topic);
        writer.WriteString(task.Nonce);
        WriteString(writer, task.Producer);
        WriteString(writer, task.Consumer);
        WriteTime(writer, task.Produced);
        WriteTime(writer, task.Scheduled);
        WriteTime(writer, task.Consumed);
        WriteTime(writer, task.Deadline);
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
        var produced = ReadTime(reader, fields, Fields.Produced);
        var scheduled = ReadTime(reader, fields, Fields.Scheduled);
        var consumed = ReadTime(reader, fields, Fields.Consumed);
        var deadline = ReadTime(reader, fields, Fields.Deadline);
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

    private static void WriteTime(SnapshotWriter writer, DateTime? value)
    {
        if (value is { } time)
        {
            writer.WriteInt64((time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : time).Ticks);
        }
    }

    private static DateTime? ReadTime(SnapshotReader reader, Fields fields, Fields field)
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

        return new DateTime(ticks, DateTimeKind.Utc);
    }
}
