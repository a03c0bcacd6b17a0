using System.Globalization;
using Ratus.Application.Abstractions;
using Ratus.Domain.Tasks;

namespace Ratus.Benchmarks;

// The queue a benchmark runs against: N pending tasks in one topic, each with its own ~100-byte payload, scheduled one
// millisecond apart in the past, so that all are due and polls hand them out in insertion order.
internal static class Fixture
{
    public const string Topic = "bench";

    public const int PayloadSize = 100;

    // Inserted in batches, so that a backlog of a million is ready in seconds.
    private const int BatchSize = 10_000;

    public static readonly DateTime Epoch = new(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    // A topic name as a request carries it: equal to the engine's copy but not the same string instance, so the engine
    // does what it does for a request (swap in its shared copy) rather than take a shortcut a request never takes.
    public static string WireTopic() => new(Topic.AsSpan());

    // 100 bytes of JSON, as a producer would send.
    public static byte[] Payload()
    {
        var payload = """{"url":"https://example.com/crawl/0000000042","depth":3,"retries":10,"tags":["news","daily"],"p":77}"""u8.ToArray();
        return payload.Length == PayloadSize ? payload : throw new InvalidOperationException($"payload is {payload.Length} bytes");
    }

    public static string Id(int index) => "task-" + index.ToString("D7", CultureInfo.InvariantCulture);

    // The scheduled time of the i-th task of the queue; later positions stay in the past for years of benchmarking.
    public static DateTime Scheduled(long position) => Epoch.AddMilliseconds(position);

    // Returns the IDs in queue order.
    public static async Task<string[]> FillAsync(ITaskRepository engine, int count)
    {
        var ids = new string[count];
        for (var start = 0; start < count; start += BatchSize)
        {
            var tasks = new RatusTask[Math.Min(BatchSize, count - start)];
            for (var i = 0; i < tasks.Length; i++)
            {
                ids[start + i] = Id(start + i);
                tasks[i] = new RatusTask
                {
                    Id = ids[start + i],
                    Topic = Topic,
                    Produced = Epoch,
                    Scheduled = Scheduled(start + i),
                    Payload = Payload(),
                };
            }

            var result = await engine.InsertTasksAsync(tasks, CancellationToken.None);
            if (result.Created != tasks.Length)
            {
                throw new InvalidOperationException($"backlog batch at {start}: created {result.Created} of {tasks.Length}");
            }
        }

        var topic = await engine.GetTopicAsync(Topic, CancellationToken.None);
        if (topic.Count != count)
        {
            throw new InvalidOperationException($"backlog holds {topic.Count} tasks, expected {count}");
        }

        return ids;
    }
}
