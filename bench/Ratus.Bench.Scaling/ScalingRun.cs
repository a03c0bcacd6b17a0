using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Ratus.Bench.Scaling;

/// The four poll cases (small and large backlog, over 1 and over 1,000 topics), each on a fresh server; the large
/// single-topic case also measures memory per task and the snapshot write and load.
internal sealed partial class ScalingRun(BenchOptions options, string dll, string tempRoot, TextWriter progress)
{
    private const int PayloadBytes = 100;
    private const int ManyTopics = 1_000;
    private const string IdPrefix = "task-";

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan LoadReadyTimeout = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(120);

    private readonly byte[] _payload = Workload.Payload(PayloadBytes);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Random _random = new(20261128);

    public async Task<Results> RunAsync(CancellationToken cancellationToken)
    {
        var results = new Results();
        await RunCaseAsync(results, options.Small, 1, measureMemoryAndSnapshot: false, cancellationToken);
        await RunCaseAsync(results, options.Small, ManyTopics, measureMemoryAndSnapshot: false, cancellationToken);
        await RunCaseAsync(results, options.Large, 1, measureMemoryAndSnapshot: true, cancellationToken);
        await RunCaseAsync(results, options.Large, ManyTopics, measureMemoryAndSnapshot: false, cancellationToken);
        return results;
    }

    private async Task RunCaseAsync(Results results, int backlog, int topicCount, bool measureMemoryAndSnapshot, CancellationToken cancellationToken)
    {
        var name = $"{Report.Count(backlog)} tasks over {topicCount} topic{(topicCount == 1 ? "" : "s")}";
        var directory = Directory.CreateDirectory(Path.Combine(tempRoot, $"{backlog}-{topicCount}")).FullName;
        var snapshotPath = Path.Combine(directory, "ratus.db");
        string[] args = measureMemoryAndSnapshot ? ["--memdb-snapshot-path", snapshotPath, "--memdb-snapshot-interval", "1h"] : [];
        // "Wrote {Count} tasks to memdb snapshot ..." is logged at Debug; only the memdb engine's category is raised.
        var environment = measureMemoryAndSnapshot
            ? new Dictionary<string, string> { ["Logging__LogLevel__Ratus.Infrastructure.InMemory"] = "Debug" }
            : [];

        Log($"{name}: starting the server");
        await using var server = await RatusServer.StartAsync(dll, directory, args, environment, ReadyTimeout, cancellationToken);
        var rssAtReady = server.RssBytes();
        try
        {
            using var http = new Workload(server.BaseAddress, options.PushConcurrency);
            Log($"{name}: server pid {server.Pid} on port {server.Port}, ready in {server.StartToReady.TotalMilliseconds:0} ms; warming up");
            await WarmUpAsync(http, cancellationToken);

            var topics = topicCount == 1
                ? ["bench"]
                : Enumerable.Range(0, topicCount).Select(t => $"topic-{t.ToString("D3", CultureInfo.InvariantCulture)}").ToArray();
            var (heapBefore, gen2Before) = await http.GcHeapAsync(cancellationToken);
            var rssBefore = server.RssBytes();

            Log($"{name}: preloading");
            var preloadCpu = server.CpuTime();
            var preload = Stopwatch.StartNew();
            await http.BulkPushAsync(topics, backlog, IdPrefix, _payload, options.BatchSize, options.PushConcurrency, cancellationToken);
            preload.Stop();
            preloadCpu = server.CpuTime() - preloadCpu;
            results.Preloads.Add(new PreloadResult(backlog, topicCount, preload.Elapsed, preloadCpu));
            Log($"{name}: preloaded in {preload.Elapsed.TotalSeconds:0.00} s ({backlog / preload.Elapsed.TotalSeconds:0} tasks/s, " +
                $"server CPU {preloadCpu.TotalMicroseconds / backlog:0.0} µs per task)");
            await CheckBacklogAsync(http, topics, backlog, cancellationToken);
            var storedPayload = await http.PayloadTextAsync(Workload.TaskId(IdPrefix, backlog - 1), cancellationToken);
            if (storedPayload != Encoding.UTF8.GetString(_payload))
            {
                throw new BenchException($"the server returned the payload as {storedPayload}");
            }

            if (measureMemoryAndSnapshot)
            {
                var (rssAfter, settled) = await SettledRssAsync(server, cancellationToken);
                var (heapAfter, gen2After) = await http.GcHeapAsync(cancellationToken);
                Log($"{name}: RSS {Report.Megabytes(rssBefore)} -> {Report.Megabytes(rssAfter)}, " +
                    $"{(rssAfter - rssBefore) / (double)backlog:0} B per task; heap {Report.Megabytes(heapBefore)} -> {Report.Megabytes(heapAfter)}, gen2 GCs {gen2Before} -> {gen2After}");

                // The preload's garbage (large request bodies among it) may wait for a full GC that nothing triggers in
                // an idle server. Pushing tasks that all exist again allocates the same way and changes nothing (they
                // are skipped), which may provoke one; a second reading after it shows what remains.
                var churn = Math.Min(backlog, Math.Max(options.BatchSize, backlog / 5));
                await http.BulkPushAsync(topics, churn, IdPrefix, _payload, options.BatchSize, options.PushConcurrency, cancellationToken, existing: true);
                var (rssAfterChurn, _) = await SettledRssAsync(server, cancellationToken);
                var (heapAfterChurn, gen2AfterChurn) = await http.GcHeapAsync(cancellationToken);
                Log($"{name}: after re-pushing {Report.Count(churn)} existing tasks: RSS {Report.Megabytes(rssAfterChurn)}, " +
                    $"heap {Report.Megabytes(heapAfterChurn)}, gen2 GCs {gen2AfterChurn}");
                results.Memory = new MemoryResult(
                    backlog, PayloadBytes, rssAtReady, rssBefore, rssAfter, heapBefore, heapAfter, gen2Before, gen2After, settled,
                    churn, rssAfterChurn, heapAfterChurn, gen2AfterChurn);
            }

            Log($"{name}: polling");
            for (var i = 0; i < options.SettleCycles; i++)
            {
                await http.PollAndRequeueAsync(Pick(topics), i % 2 == 0 ? Requeue.Head : Requeue.Tail, cancellationToken);
            }

            var samples = new Dictionary<Requeue, List<long>> { [Requeue.Head] = [], [Requeue.Tail] = [] };
            var cpu = new Dictionary<Requeue, TimeSpan> { [Requeue.Head] = TimeSpan.Zero, [Requeue.Tail] = TimeSpan.Zero };
            var floor = new List<long>();
            var perRound = Math.Max(1, options.Samples / options.Rounds);
            for (var round = 0; round < options.Rounds; round++)
            {
                // Interleaved blocks, so that a noisy neighbour on the shared machine hits both modes alike.
                foreach (var requeue in (Requeue[])[Requeue.Head, Requeue.Tail])
                {
                    var cpuBefore = server.CpuTime();
                    for (var i = 0; i < perRound; i++)
                    {
                        samples[requeue].Add(await http.PollAndRequeueAsync(Pick(topics), requeue, cancellationToken));
                    }

                    cpu[requeue] += server.CpuTime() - cpuBefore;
                }

                for (var i = 0; i < perRound / 4; i++)
                {
                    floor.Add(await http.LivezAsync(cancellationToken));
                }
            }

            var floorP50 = LatencyStats.From(floor, TimeSpan.Zero).P50;

            foreach (var requeue in samples.Keys)
            {
                var stats = LatencyStats.From(samples[requeue], cpu[requeue]);
                results.Polls.Add(new PollCase(backlog, topicCount, requeue, stats, floorP50));
                Log($"{name}, requeue {requeue.ToString().ToLowerInvariant()}: p50 {stats.P50:0} µs, p99 {stats.P99:0} µs, mean {stats.Mean:0} µs (livez p50 {floorP50:0} µs)");
            }

            // Every claim was committed back: the backlog is intact and nothing is left active.
            await CheckBacklogAsync(http, topics, backlog, cancellationToken);
            if (topicCount == 1 && await http.PromiseCountAsync(topics[0], cancellationToken) is var active and not 0)
            {
                throw new BenchException($"{active} tasks were left active after the polls");
            }

            if (measureMemoryAndSnapshot)
            {
                results.Snapshot = await SnapshotAsync(server, directory, snapshotPath, args, environment, topics, backlog, cancellationToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"--- last lines of the server's output ({name}) ---\n{server.Tail(30)}");
            throw;
        }
    }

    /// JIT warm-up on a throw-away topic: bulk pushes, poll+commit cycles in both modes, counts, then the topic is
    /// deleted so the measured backlog is exactly the preload.
    private async Task WarmUpAsync(Workload http, CancellationToken cancellationToken)
    {
        const string Topic = "warmup";
        const int Tasks = 2_000;
        await http.BulkPushAsync([Topic], Tasks, "warm-", _payload, 500, 2, cancellationToken);
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < options.WarmupCycles || stopwatch.Elapsed < options.WarmupMinimum; i++)
        {
            await http.PollAndRequeueAsync(Topic, i % 2 == 0 ? Requeue.Head : Requeue.Tail, cancellationToken);
            if (i % 100 == 0)
            {
                await http.CountAsync([Topic], cancellationToken);
            }
        }

        if (await http.DeleteTopicAsync(Topic, cancellationToken) != Tasks)
        {
            throw new BenchException("the warm-up topic did not hold its tasks");
        }
    }

    private async Task<SnapshotResult> SnapshotAsync(
        RatusServer server, string directory, string snapshotPath, string[] args, Dictionary<string, string> environment,
        string[] topics, int backlog, CancellationToken cancellationToken)
    {
        Log($"snapshot: SIGTERM to the server holding {Report.Count(backlog)} tasks");
        var sigtermToExit = await server.TerminateAsync(ExitTimeout);
        var written = LoggedMilliseconds(server, WrittenLine(), backlog)
            ?? throw new BenchException($"the server did not log \"Wrote {backlog} tasks to memdb snapshot ...\" on shutdown\n{server.Tail(20)}");
        var fileBytes = new FileInfo(snapshotPath).Length;
        Log($"snapshot: written in {written} ms (SIGTERM to exit {sigtermToExit.TotalMilliseconds:0} ms), {Report.Megabytes(fileBytes)}");

        Log("snapshot: starting a server on the file");
        await using var reloaded = await RatusServer.StartAsync(dll, directory, args, environment, LoadReadyTimeout, cancellationToken);
        try
        {
            var loaded = LoggedMilliseconds(reloaded, LoadedLine(), backlog)
                ?? throw new BenchException($"the server did not log \"Loaded {backlog} tasks from memdb snapshot ...\"\n{reloaded.Tail(20)}");
            var rssAfterLoad = reloaded.RssBytes();
            Log($"snapshot: loaded in {loaded} ms, ready {reloaded.StartToReady.TotalMilliseconds:0} ms after start");
            using var http = new Workload(reloaded.BaseAddress, options.PushConcurrency);
            await CheckBacklogAsync(http, topics, backlog, cancellationToken);
            return new SnapshotResult(
                backlog, written, sigtermToExit, fileBytes, loaded, reloaded.StartToReady, server.StartToReady, rssAfterLoad);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"--- last lines of the reloaded server's output ---\n{reloaded.Tail(30)}");
            throw;
        }
    }

    private static long? LoggedMilliseconds(RatusServer server, Regex line, int count)
    {
        long? found = null;
        foreach (var text in server.Lines)
        {
            if (line.Match(text) is { Success: true } match && int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) == count)
            {
                found = long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
            }
        }

        return found;
    }

    /// Leaves the server alone for the settle time, then reads its RSS until two reads 250 ms apart agree within
    /// 0.5 % (at most 5 s more).
    private async Task<(long Rss, TimeSpan SettledAfter)> SettledRssAsync(RatusServer server, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        await Task.Delay(options.Settle, cancellationToken);
        var previous = server.RssBytes();
        while (true)
        {
            await Task.Delay(250, cancellationToken);
            var current = server.RssBytes();
            if (Math.Abs(current - previous) <= previous / 200 || stopwatch.Elapsed > options.Settle + TimeSpan.FromSeconds(5))
            {
                return (current, stopwatch.Elapsed);
            }

            previous = current;
        }
    }

    private static async Task CheckBacklogAsync(Workload http, IReadOnlyList<string> topics, int backlog, CancellationToken cancellationToken)
    {
        var count = await http.CountAsync(topics, cancellationToken);
        if (count != backlog)
        {
            throw new BenchException($"the topics hold {count} tasks, expected {backlog}");
        }
    }

    private string Pick(string[] topics) => topics.Length == 1 ? topics[0] : topics[_random.Next(topics.Length)];

    private void Log(string message) => progress.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:0.0} s] {message}");

    [GeneratedRegex(@"Wrote (\d+) tasks to memdb snapshot .* in (\d+) ms")]
    private static partial Regex WrittenLine();

    [GeneratedRegex(@"Loaded (\d+) tasks from memdb snapshot .* in (\d+) ms")]
    private static partial Regex LoadedLine();
}
