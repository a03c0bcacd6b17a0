using System.Buffers;
using System.Text;
using System.Text.Json;
using Ratus.Api.Json;
using Ratus.Domain.Common;
using Ratus.Domain.Promises;
using Ratus.Domain.Tasks;
using Ratus.Domain.Topics;

namespace Ratus.Api.Tests.Docs;

/// The member names the server's own wire writer and reader use, found by running them rather than by listing names:
/// what the writer emits for resources with every member set (and with none), and whether the reader takes a member.
internal static class WireNames
{
    private static readonly DateTime Time = new(2030, 1, 2, 3, 4, 5, DateTimeKind.Utc);

    private static readonly RatusTask FullTask = new()
    {
        Id = "a", Topic = "t", State = TaskState.Active, Nonce = "n", Producer = "p", Consumer = "c",
        Produced = Time, Scheduled = Time, Consumed = Time, Deadline = Time, Payload = """{"k":1}"""u8.ToArray(),
        TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    };

    private static readonly RatusTask EmptyTask = new() { Id = "", Topic = "" };

    /// Per response shape: the writer's output for a resource with every member set, and for one with none.
    public static readonly IReadOnlyDictionary<string, (JsonElement Full, JsonElement Empty)> Written =
        new Dictionary<string, (JsonElement, JsonElement)>
        {
            ["task"] = (Write(w => WireWriter.WriteTask(w, FullTask)), Write(w => WireWriter.WriteTask(w, EmptyTask))),
            ["tasks"] = (Write(w => WireWriter.WriteTasks(w, [FullTask])), Write(w => WireWriter.WriteTasks(w, []))),
            ["promise"] = (Write(w => WireWriter.WritePromise(w, new Promise("a", "c", Time))),
                Write(w => WireWriter.WritePromise(w, new Promise("", null, null)))),
            ["promises"] = (Write(w => WireWriter.WritePromises(w, [new Promise("a", "c", Time)])), Write(w => WireWriter.WritePromises(w, []))),
            ["topic"] = (Write(w => WireWriter.WriteTopic(w, new Topic("t", 2))), Write(w => WireWriter.WriteTopic(w, new Topic("")))),
            ["topics"] = (Write(w => WireWriter.WriteTopics(w, [new Topic("t", 2)])), Write(w => WireWriter.WriteTopics(w, []))),
            ["updated"] = (Write(w => WireWriter.WriteUpdated(w, new UpdateResult(1, 2))), Write(w => WireWriter.WriteUpdated(w, new UpdateResult(0, 0)))),
            ["deleted"] = (Write(w => WireWriter.WriteDeleted(w, new DeleteResult(1))), Write(w => WireWriter.WriteDeleted(w, new DeleteResult(0)))),
            ["error"] = (Write(w => WireWriter.WriteError(w, 400, "bad request")), Write(w => WireWriter.WriteError(w, 400, ""))),
        };

    /// The body readers, each giving what it read as JSON text so that two reads compare by value.
    public static readonly IReadOnlyDictionary<string, Func<string, string>> Readers = new Dictionary<string, Func<string, string>>
    {
        ["task"] = body => JsonSerializer.Serialize(WireReader.ReadTask(Encoding.UTF8.GetBytes(body))),
        ["tasks"] = body => JsonSerializer.Serialize(WireReader.ReadTasks(Encoding.UTF8.GetBytes(body))),
        ["promise"] = body => JsonSerializer.Serialize(WireReader.ReadPromise(Encoding.UTF8.GetBytes(body))),
        ["commit"] = body => JsonSerializer.Serialize(WireReader.ReadCommit(Encoding.UTF8.GetBytes(body))),
    };

    /// Every member name the writer emits, at any depth.
    public static IReadOnlySet<string> AllWritten() =>
        Written.Values.SelectMany(w => Names(w.Full)).ToHashSet(StringComparer.Ordinal);

    public static IEnumerable<string> Names(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Names(p.Value).Prepend(p.Name)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Names),
        _ => [],
    };

    /// Whether a reader takes the member: a body with it set reads differently from an empty object.
    public static bool Reads(string reader, string name, string value)
    {
        var read = Readers[reader];
        return read($$"""{"{{name}}":{{value}}}""") != read("{}");
    }

    /// The members of what a reader returns that a body with this member set changes (for records; none for lists).
    public static IEnumerable<string> Fills(string reader, string name, string value)
    {
        using var empty = JsonDocument.Parse(Readers[reader]("{}"));
        using var set = JsonDocument.Parse(Readers[reader]($$"""{"{{name}}":{{value}}}"""));
        if (empty.RootElement.ValueKind != JsonValueKind.Object)
        {
            return [];
        }

        return [.. empty.RootElement.EnumerateObject()
            .Where(p => p.Value.GetRawText() != set.RootElement.GetProperty(p.Name).GetRawText())
            .Select(p => p.Name)];
    }

    public static IEnumerable<string> DraftMembers(string reader)
    {
        using var empty = JsonDocument.Parse(Readers[reader]("{}"));
        return empty.RootElement.ValueKind == JsonValueKind.Object ? [.. empty.RootElement.EnumerateObject().Select(p => p.Name)] : [];
    }

    private static JsonElement Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WireWriter.Options))
        {
            write(writer);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
