using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Ratus.Bench.Scaling;

/// The markdown report. Targets (issue 7) are shown beside the figures for reading, never asserted.
internal static class Report
{
    private const double PollRatioTarget = 1.5;
    private const double OverheadTarget = 350;
    private const double WriteTargetMs = 3_000;
    private const double LoadTargetMs = 5_000;

    public static string Render(Results results, BenchOptions options, RunInfo info, TimeSpan total)
    {
        var md = new StringBuilder();
        var large = Count(options.Large);
        md.AppendLine(CultureInfo.InvariantCulture, $"# Ratus scaling run ({(options.Smoke ? "smoke" : "full")})");
        md.AppendLine();
        if (options.Smoke)
        {
            md.AppendLine("**Smoke mode: backlogs of 1k and 10k and few samples. It proves the benchmark runs; its figures mean nothing.**");
            md.AppendLine();
        }

        md.AppendLine(CultureInfo.InvariantCulture, $"- When: {info.Started:yyyy-MM-dd HH:mm} UTC, {total.TotalSeconds:0} s in all");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Machine: {info.Cpu}, {Environment.ProcessorCount} CPUs (shared with the benchmark client), load average at start {info.LoadAverage}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Runtime: {RuntimeInformation.FrameworkDescription}; server `{info.ServerDll}`{info.Commit}");
        md.AppendLine("- Command: `dotnet run -c Release --project bench/Ratus.Bench.Scaling" + (options.Smoke ? " -- --smoke`" : "`"));
        md.AppendLine();

        RenderPolls(md, results, options);
        RenderMemory(md, results.Memory, large);
        RenderSnapshot(md, results.Snapshot, large);
        RenderPreloads(md, results, options);
        return md.ToString();
    }

    public static string Count(int n) => n switch
    {
        >= 1_000_000 when n % 1_000_000 == 0 => $"{n / 1_000_000}M",
        >= 1_000 when n % 1_000 == 0 => $"{n / 1_000}k",
        _ => n.ToString(CultureInfo.InvariantCulture),
    };

    public static string Megabytes(long bytes) => $"{bytes / 1048576.0:0.0} MiB";

    private static void RenderPolls(StringBuilder md, Results results, BenchOptions options)
    {
        md.AppendLine("## Poll latency vs backlog");
        md.AppendLine();
        md.AppendLine("The promise request `POST /v1/topics/{topic}/promises` with `{\"timeout\":\"10m\"}`, sent by one keep-alive");
        md.AppendLine("`HttpClient` connection, one request at a time, timed from sending it to reading the whole response (client");
        md.AppendLine("overhead included). Each claimed task is committed back to pending at once (`PATCH /v1/topics//tasks/{id}`), so");
        md.AppendLine("the backlog stays constant; with 1,000 topics each poll picks a random topic. Requeue **head**:");
        md.AppendLine("`{\"nonce\":…,\"state\":0}`, the task keeps its scheduled time and its topic's next poll takes it again. Requeue");
        md.AppendLine("**tail**: `{\"nonce\":…,\"state\":0,\"defer\":\"0s\"}`, it goes to the back, so successive polls walk through the");
        md.AppendLine(CultureInfo.InvariantCulture, $"whole backlog as real consumers do. Each case runs on a fresh server, warmed up with ≥ {options.WarmupCycles:N0} poll+commit cycles");
        md.AppendLine(CultureInfo.InvariantCulture, $"and {options.SettleCycles} more on the loaded backlog; the samples of both modes are taken in {options.Rounds} interleaved blocks.");
        md.AppendLine("Server CPU per cycle is the server process's utime + stime during the samples (poll and commit; 10 ms ticks);");
        md.AppendLine("with one request at a time it includes the thread pool's spin-waiting between requests, so it is far above the CPU");
        md.AppendLine("per request under load: compare it across cases only.");
        md.AppendLine("The floor is the p50 of `GET /v1/livez` (an empty 200) on the same connection, sampled between the blocks.");
        md.AppendLine();
        md.AppendLine("| Pending | Topics | Requeue | Samples | p50 (µs) | p99 (µs) | mean (µs) | max (µs) | server CPU / cycle (µs) | floor p50 (µs) |");
        md.AppendLine("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var poll in results.Polls.OrderBy(p => p.Topics).ThenBy(p => p.Requeue).ThenBy(p => p.Backlog))
        {
            var s = poll.Stats;
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {Count(poll.Backlog)} | {poll.Topics:N0} | {Name(poll.Requeue)} | {s.Samples:N0} | {s.P50:0} | {s.P99:0} | {s.Mean:0} | {s.Max:0} | {s.ServerCpuPerCycle:0} | {poll.FloorP50:0} |");
        }

        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"| Topics | Requeue | p50 {Count(options.Large)} / p50 {Count(options.Small)} | p99 {Count(options.Large)} / p99 {Count(options.Small)} | target: p50 ratio ≤ {PollRatioTarget}× |");
        md.AppendLine("|---:|---|---:|---:|---|");
        foreach (var group in results.Polls.GroupBy(p => (p.Topics, p.Requeue)).OrderBy(g => g.Key.Topics).ThenBy(g => g.Key.Requeue))
        {
            var small = group.SingleOrDefault(p => p.Backlog == options.Small)?.Stats;
            var large = group.SingleOrDefault(p => p.Backlog == options.Large)?.Stats;
            if (small is null || large is null)
            {
                continue;
            }

            var ratio = large.P50 / small.P50;
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {group.Key.Topics:N0} | {Name(group.Key.Requeue)} | {ratio:0.00}× | {large.P99 / small.P99:0.00}× | {Verdict(ratio, PollRatioTarget)} |");
        }

        md.AppendLine();
    }

    private static void RenderMemory(StringBuilder md, MemoryResult? memory, string large)
    {
        if (memory is null)
        {
            return;
        }

        var perTask = PerTask(memory.RssAfter, memory.RssBefore, memory.Tasks);
        var perTaskChurn = PerTask(memory.RssAfterChurn, memory.RssBefore, memory.Tasks);
        md.AppendLine(CultureInfo.InvariantCulture, $"## Memory per task at {large}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"{large} tasks with a {memory.PayloadBytes}-byte JSON payload (`{{\"kind\":\"bench\",\"data\":\"xx…\"}}`, returned byte-exact), IDs");
        md.AppendLine("`task-0000000` (12 characters), one topic, bulk-pushed into a fresh, warmed-up server. RSS is VmRSS from");
        md.AppendLine("`/proc/PID/status`; the GC heap is the sum of `dotnet_gc_last_collection_heap_size_bytes` from `/v1/metrics` (the");
        md.AppendLine("managed heap as the server's last GC left it). No GC is forced; the second reading follows a bulk re-push of");
        md.AppendLine(CultureInfo.InvariantCulture, $"{Count(memory.ChurnTasks)} tasks that all exist (skipped by the server, nothing changes), which allocates like the preload and may");
        md.AppendLine("provoke the full GC that an idle server never runs. Per task = (reading − before the preload) / tasks.");
        md.AppendLine();
        md.AppendLine("| | RSS | per task | beyond the payload | GC heap | per task | gen2 GCs |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| Empty server, when ready | {Megabytes(memory.RssAtReady)} | | | | | |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| Before the preload (after warm-up) | {Megabytes(memory.RssBefore)} | | | {Megabytes(memory.HeapBefore)} | | {memory.Gen2Before} |");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| **{large} tasks loaded** (settled {memory.SettledAfter.TotalSeconds:0.0} s) | {Megabytes(memory.RssAfter)} | **{perTask:0} B** | **{perTask - memory.PayloadBytes:0} B** | {Megabytes(memory.HeapAfter)} | {PerTask(memory.HeapAfter, memory.HeapBefore, memory.Tasks):0} B | {memory.Gen2After} |");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| … after the re-push | {Megabytes(memory.RssAfterChurn)} | {perTaskChurn:0} B | {perTaskChurn - memory.PayloadBytes:0} B | {Megabytes(memory.HeapAfterChurn)} | {PerTask(memory.HeapAfterChurn, memory.HeapBefore, memory.Tasks):0} B | {memory.Gen2AfterChurn} |");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Target: ≤ {OverheadTarget} B per task beyond the payload: {Verdict(perTask - memory.PayloadBytes, OverheadTarget)} after the preload, {Verdict(perTaskChurn - memory.PayloadBytes, OverheadTarget)} after the re-push.");
        md.AppendLine();
    }

    private static double PerTask(long after, long before, int tasks) => (after - before) / (double)tasks;

    private static void RenderSnapshot(StringBuilder md, SnapshotResult? snapshot, string large)
    {
        if (snapshot is null)
        {
            return;
        }

        md.AppendLine(CultureInfo.InvariantCulture, $"## Snapshot of {large} tasks");
        md.AppendLine();
        md.AppendLine("The server of the memory case (`--memdb-snapshot-path`, `--memdb-snapshot-interval 1h`,");
        md.AppendLine("`Logging__LogLevel__Ratus.Infrastructure.InMemory=Debug`) is stopped with SIGTERM after its polls and writes its");
        md.AppendLine("final snapshot; a new server is started on the file. Write and load times are the server's own log lines; the");
        md.AppendLine("logged write time covers encoding, writing and fsync of the file, not the copy of the task list under the lock.");
        md.AppendLine();
        md.AppendLine("| | |");
        md.AppendLine("|---|---:|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| **Write** (\"Wrote {snapshot.Tasks} tasks … in N ms\") | **{snapshot.WriteLoggedMs:N0} ms** (target ≤ 3 s: {Verdict(snapshot.WriteLoggedMs, WriteTargetMs)}) |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| SIGTERM to process exit (upper bound of the write) | {snapshot.SigtermToExit.TotalMilliseconds:N0} ms |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| File size | {Megabytes(snapshot.FileBytes)} ({snapshot.FileBytes / (double)snapshot.Tasks:0} B per task) |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| **Load** (\"Loaded {snapshot.Tasks} tasks … in N ms\") | **{snapshot.LoadLoggedMs:N0} ms** (target ≤ 5 s: {Verdict(snapshot.LoadLoggedMs, LoadTargetMs)}) |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| Process start to `/v1/readyz` 200 | {snapshot.StartToReady.TotalMilliseconds:N0} ms (without the file: {snapshot.EmptyStartToReady.TotalMilliseconds:N0} ms) |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| RSS after the load | {Megabytes(snapshot.RssAfterLoad)} |");
        md.AppendLine();
    }

    private static void RenderPreloads(StringBuilder md, Results results, BenchOptions options)
    {
        md.AppendLine("## Preloads");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Bulk push (`POST /v1/topics/{{topic}}/tasks` with `{{\"data\":[…]}}`), {options.BatchSize:N0} tasks per request,");
        md.AppendLine(CultureInfo.InvariantCulture, $"{options.PushConcurrency} requests in flight, the client generating the JSON on the same cores. Every task is counted back.");
        md.AppendLine();
        md.AppendLine("| Tasks | Topics | Time (s) | Tasks/s | server CPU / task (µs) |");
        md.AppendLine("|---:|---:|---:|---:|---:|");
        foreach (var preload in results.Preloads)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {Count(preload.Backlog)} | {preload.Topics:N0} | {preload.Elapsed.TotalSeconds:0.00} | {preload.Backlog / preload.Elapsed.TotalSeconds:N0} | {preload.ServerCpu.TotalMicroseconds / preload.Backlog:0.0} |");
        }

        md.AppendLine();
    }

    private static string Name(Requeue requeue) => requeue == Requeue.Head ? "head" : "tail";

    private static string Verdict(double value, double target) =>
        value <= target ? "met" : $"missed by {(value / target - 1) * 100:0}%";
}

/// What the report says about the machine and the server.
internal sealed record RunInfo(DateTime Started, string Cpu, string LoadAverage, string ServerDll, string Commit)
{
    public static RunInfo Collect(string repositoryRoot, string serverDll)
    {
        var cpu = "unknown CPU";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (IOException)
        {
        }

        var load = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
        var relative = Path.GetRelativePath(repositoryRoot, serverDll);
        return new RunInfo(DateTime.UtcNow, cpu, load, relative, Git(repositoryRoot));
    }

    // " at commit abc1234 (src/ modified)", or nothing when git is not at hand.
    private static string Git(string root)
    {
        try
        {
            var commit = Run(root, "rev-parse", "--short", "HEAD").Trim();
            if (commit.Length == 0)
            {
                return "";
            }

            var dirty = Run(root, "status", "--porcelain", "--", "src").Trim().Length > 0 ? " (src/ modified)" : "";
            return $" at commit {commit}{dirty}";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "";
        }
    }

    private static string Run(string root, params string[] args)
    {
        var startInfo = new System.Diagnostics.ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        startInfo.ArgumentList.Add("-C");
        startInfo.ArgumentList.Add(root);
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : "";
    }
}
