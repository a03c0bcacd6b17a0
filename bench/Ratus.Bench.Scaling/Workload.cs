using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Ratus.Bench.Scaling;

/// How a claimed task goes back to pending after its poll.
internal enum Requeue
{
    /// `{"nonce":n,"state":0}`: the task keeps its scheduled time, so the next poll of its topic takes it again.
    Head,

    /// `{"nonce":n,"state":0,"defer":"0s"}`: scheduled becomes now, the task goes to the back of its topic and
    /// successive polls walk through the whole backlog, as consumers of a real queue do.
    Tail,
}

/// The HTTP side of the benchmark: one keep-alive connection for the timed, sequential polls and a small pool for
/// the preload and checks.
internal sealed class Workload(Uri baseAddress, int poolSize) : IDisposable
{
    private static readonly byte[] PromiseBody = """{"timeout":"10m"}"""u8.ToArray();

    private readonly HttpClient _sequential = Client(baseAddress, 1);
    private readonly HttpClient _pool = Client(baseAddress, poolSize);

    /// A JSON object of exactly <paramref name="size"/> bytes, the payload of every task.
    public static byte[] Payload(int size)
    {
        const string Prefix = "{\"kind\":\"bench\",\"data\":\"";
        const string Suffix = "\"}";
        var payload = Encoding.UTF8.GetBytes(Prefix + new string('x', size - Prefix.Length - Suffix.Length) + Suffix);
        if (payload.Length != size)
        {
            throw new BenchException($"payload is {payload.Length} bytes, not {size}");
        }

        using var _ = JsonDocument.Parse(payload);
        return payload;
    }

    public static string TaskId(string prefix, int index) => $"{prefix}{index.ToString("D7", CultureInfo.InvariantCulture)}";

    /// Inserts tasks <c>0..count-1</c> (IDs <see cref="TaskId"/>), task i in topic <c>topics[i % topics.Count]</c>, in
    /// batches of <paramref name="batchSize"/> per bulk request with <paramref name="concurrency"/> requests in flight.
    /// Fails unless every task is created, or with <paramref name="existing"/> unless none is (they all exist:
    /// the server skips them, state unchanged).
    public async Task BulkPushAsync(
        IReadOnlyList<string> topics, int count, string idPrefix, byte[] payload, int batchSize, int concurrency,
        CancellationToken cancellationToken, bool existing = false)
    {
        var batches = (count + batchSize - 1) / batchSize;
        var options = new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, batches), options, async (batch, ct) =>
        {
            var first = batch * batchSize;
            var size = Math.Min(batchSize, count - first);
            var body = new ArrayBufferWriter<byte>(size * (payload.Length + 64));
            using (var writer = new Utf8JsonWriter(body))
            {
                writer.WriteStartObject();
                writer.WriteStartArray("data");
                for (var i = first; i < first + size; i++)
                {
                    writer.WriteStartObject();
                    writer.WriteString("_id", TaskId(idPrefix, i));
                    writer.WriteString("topic", topics[i % topics.Count]);
                    writer.WritePropertyName("payload");
                    writer.WriteRawValue(payload, skipInputValidation: true);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/topics/{Uri.EscapeDataString(topics[first % topics.Count])}/tasks")
            {
                Content = JsonContent(body.WrittenMemory.ToArray()),
            };
            using var response = await _pool.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (response.StatusCode != (existing ? HttpStatusCode.OK : HttpStatusCode.Created))
            {
                throw new BenchException($"bulk push answered {(int)response.StatusCode}: {text}");
            }

            using var document = JsonDocument.Parse(text);
            if (document.RootElement.GetProperty("created").GetInt64() != (existing ? 0 : size))
            {
                throw new BenchException($"bulk push of {size} {(existing ? "existing" : "new")} tasks answered {text}");
            }
        });
    }

    /// The task count of each topic (GET /v1/topics/{topic}), summed; a topic that does not exist counts 0.
    public async Task<long> CountAsync(IReadOnlyList<string> topics, CancellationToken cancellationToken)
    {
        long total = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(topics, options, async (topic, ct) =>
        {
            using var response = await _pool.GetAsync($"v1/topics/{Uri.EscapeDataString(topic)}", ct);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return;
            }

            var text = await Expect(response, HttpStatusCode.OK, "GET topic", ct);
            using var document = JsonDocument.Parse(text);
            Interlocked.Add(ref total, document.RootElement.GetProperty("count").GetInt64());
        });
        return total;
    }

    /// The number of active tasks (promises) in the topic, up to 100.
    public async Task<int> PromiseCountAsync(string topic, CancellationToken cancellationToken)
    {
        using var response = await _pool.GetAsync($"v1/topics/{Uri.EscapeDataString(topic)}/promises?limit=100", cancellationToken);
        var text = await Expect(response, HttpStatusCode.OK, "GET promises", cancellationToken);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.GetProperty("data").GetArrayLength();
    }

    /// The raw JSON text of a task's payload as the server returns it.
    public async Task<string> PayloadTextAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await _pool.GetAsync($"v1/topics//tasks/{Uri.EscapeDataString(id)}", cancellationToken);
        var text = await Expect(response, HttpStatusCode.OK, "GET task", cancellationToken);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.GetProperty("payload").GetRawText();
    }

    public async Task<long> DeleteTopicAsync(string topic, CancellationToken cancellationToken)
    {
        using var response = await _pool.DeleteAsync($"v1/topics/{Uri.EscapeDataString(topic)}", cancellationToken);
        var text = await Expect(response, HttpStatusCode.OK, "DELETE topic", cancellationToken);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.GetProperty("deleted").GetInt64();
    }

    /// The managed heap as of the server's last GC: the sum over generations of
    /// dotnet_gc_last_collection_heap_size_bytes from /v1/metrics, and the number of gen2 collections so far.
    public async Task<(long HeapBytes, long Gen2Collections)> GcHeapAsync(CancellationToken cancellationToken)
    {
        var text = await _pool.GetStringAsync("v1/metrics", cancellationToken);
        long heap = 0;
        long gen2 = -1;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("dotnet_gc_last_collection_heap_size_bytes{", StringComparison.Ordinal))
            {
                heap += long.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("dotnet_gc_collections_total{", StringComparison.Ordinal) && line.Contains("\"gen2\"", StringComparison.Ordinal))
            {
                gen2 = long.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return heap > 0 ? (heap, gen2) : throw new BenchException("/v1/metrics has no dotnet_gc_last_collection_heap_size_bytes");
    }

    /// One wildcard poll of the topic, then the commit that puts the claimed task back to pending. Returns the time
    /// of the poll request alone (request sent to response body read), in stopwatch ticks.
    public async Task<long> PollAndRequeueAsync(string topic, Requeue requeue, CancellationToken cancellationToken)
    {
        byte[] claimed;
        long elapsed;
        using (var request = new HttpRequestMessage(HttpMethod.Post, $"v1/topics/{Uri.EscapeDataString(topic)}/promises") { Content = JsonContent(PromiseBody) })
        {
            var start = Stopwatch.GetTimestamp();
            using var response = await _sequential.SendAsync(request, cancellationToken);
            claimed = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            elapsed = Stopwatch.GetTimestamp() - start;
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new BenchException($"poll of {topic} answered {(int)response.StatusCode}: {Encoding.UTF8.GetString(claimed)}");
            }
        }

        string id;
        string nonce;
        using (var document = JsonDocument.Parse(claimed))
        {
            var task = document.RootElement;
            id = task.GetProperty("_id").GetString()!;
            nonce = task.GetProperty("nonce").GetString()!;
            if (task.GetProperty("state").GetInt32() != 1 || task.GetProperty("topic").GetString() != topic || nonce.Length == 0)
            {
                throw new BenchException($"poll of {topic} returned an unexpected task: {Encoding.UTF8.GetString(claimed)}");
            }
        }

        var body = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteString("nonce", nonce);
            writer.WriteNumber("state", 0);
            if (requeue == Requeue.Tail)
            {
                writer.WriteString("defer", "0s");
            }

            writer.WriteEndObject();
        }

        // The Go client's by-ID form: the topic segment is empty and ignored.
        using (var commit = new HttpRequestMessage(HttpMethod.Patch, $"v1/topics//tasks/{Uri.EscapeDataString(id)}") { Content = JsonContent(body.WrittenMemory.ToArray()) })
        {
            using var response = await _sequential.SendAsync(commit, cancellationToken);
            var text = await Expect(response, HttpStatusCode.OK, $"commit of {id}", cancellationToken);
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.GetProperty("state").GetInt32() != 0)
            {
                throw new BenchException($"commit of {id} did not return it to pending: {text}");
            }
        }

        return elapsed;
    }

    /// The floor of a request on the same connection: GET /v1/livez (empty 200), in stopwatch ticks.
    public async Task<long> LivezAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/livez");
        var start = Stopwatch.GetTimestamp();
        using var response = await _sequential.SendAsync(request, cancellationToken);
        await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var elapsed = Stopwatch.GetTimestamp() - start;
        return response.StatusCode == HttpStatusCode.OK ? elapsed : throw new BenchException($"livez answered {(int)response.StatusCode}");
    }

    public void Dispose()
    {
        _sequential.Dispose();
        _pool.Dispose();
    }

    private static HttpClient Client(Uri baseAddress, int connections) =>
        new(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(120),
        };

    private static ByteArrayContent JsonContent(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static async Task<string> Expect(HttpResponseMessage response, HttpStatusCode status, string what, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return response.StatusCode == status
            ? text
            : throw new BenchException($"{what} answered {(int)response.StatusCode}, expected {(int)status}: {text}");
    }
}
