using System.Diagnostics;

namespace Ratus.Bench.Scaling;

/// Latency of the promise request in microseconds, and the server's CPU per poll+commit cycle.
internal sealed record LatencyStats(int Samples, double P50, double P99, double Mean, double Max, double ServerCpuPerCycle)
{
    public static LatencyStats From(List<long> ticks, TimeSpan serverCpu)
    {
        if (ticks.Count == 0)
        {
            throw new BenchException("no samples");
        }

        var micros = ticks.Select(t => t * 1_000_000.0 / Stopwatch.Frequency).Order().ToArray();
        return new LatencyStats(
            micros.Length,
            Percentile(micros, 0.50),
            Percentile(micros, 0.99),
            micros.Average(),
            micros[^1],
            serverCpu.TotalMicroseconds / micros.Length);
    }

    // Nearest rank.
    private static double Percentile(double[] sorted, double p) => sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1)];
}

/// <paramref name="FloorP50"/>: p50 of GET /v1/livez on the same connection in the same run, the HTTP floor.
internal sealed record PollCase(int Backlog, int Topics, Requeue Requeue, LatencyStats Stats, double FloorP50);

internal sealed record PreloadResult(int Backlog, int Topics, TimeSpan Elapsed, TimeSpan ServerCpu);

internal sealed record MemoryResult(
    int Tasks,
    int PayloadBytes,
    long RssAtReady,
    long RssBefore,
    long RssAfter,
    long HeapBefore,
    long HeapAfter,
    long Gen2Before,
    long Gen2After,
    TimeSpan SettledAfter,
    int ChurnTasks,
    long RssAfterChurn,
    long HeapAfterChurn,
    long Gen2AfterChurn);

internal sealed record SnapshotResult(
    int Tasks,
    long WriteLoggedMs,
    TimeSpan SigtermToExit,
    long FileBytes,
    long LoadLoggedMs,
    TimeSpan StartToReady,
    TimeSpan EmptyStartToReady,
    long RssAfterLoad);

internal sealed class Results
{
    public List<PollCase> Polls { get; } = [];

    public List<PreloadResult> Preloads { get; } = [];

    public MemoryResult? Memory { get; set; }

    public SnapshotResult? Snapshot { get; set; }
}
