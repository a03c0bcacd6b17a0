using System.Text;
using Ratus.Domain.Tasks;
using Ratus.Infrastructure.InMemory;

namespace Ratus.Infrastructure.Tests.Support;

/// Tasks to store and a comparable picture of everything a memdb engine holds, to check that what readers see is what
/// a restart recovers.
internal static class MemDbState
{
    public static RatusTask NewTask(string id, string topic = "topic") => new()
    {
        Id = id,
        Topic = topic,
        State = TaskState.Pending,
        Producer = "p",
        Produced = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        Scheduled = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        Payload = Encoding.UTF8.GetBytes($"{{\"id\":\"{id}\"}}"),
    };

    /// Every task by ID, each as one string of all its fields.
    public static async Task<Dictionary<string, string>> DumpAsync(InMemoryTaskRepository engine)
    {
        var dump = new Dictionary<string, string>();
        foreach (var topic in await engine.ListTopicsAsync(10_000, 0, CancellationToken.None))
        {
            foreach (var task in await engine.ListTasksAsync(topic.Name, 100_000, 0, CancellationToken.None))
            {
                dump[task.Id] = string.Join('|', task.Topic, task.State, task.Nonce, task.Producer, task.Consumer, task.Produced?.Ticks,
                    task.Scheduled?.Ticks, task.Consumed?.Ticks, task.Deadline?.Ticks,
                    task.Payload is null ? "-" : Convert.ToHexString(task.Payload), task.TraceParent);
            }
        }

        return dump;
    }
}
