namespace Ratus.Bench.Scaling;

/// The command line. The smoke mode proves the benchmark still works end to end (seconds, not minutes); its
/// figures mean nothing.
internal sealed record BenchOptions(bool Smoke, string? ServerDll, string? OutputPath)
{
    public const string Usage = """
        Usage: dotnet run -c Release --project bench/Ratus.Bench.Scaling [-- [--smoke] [--server PATH] [--out PATH]]

          --smoke        1k and 10k tasks instead of 1k and 1M, few samples; about 15 s; exits 1 on any failure
          --server PATH  the server to run (default: artifacts/bin/Ratus.Api/release/ratus.dll, built by this project)
          --out PATH     where to write the markdown report
                         (default: artifacts/bench/scaling.md, or artifacts/bench/scaling-smoke.md with --smoke)
        """;

    /// The small backlog.
    public int Small => 1_000;

    /// The large backlog, at which memory and snapshots are measured too.
    public int Large => Smoke ? 10_000 : 1_000_000;

    /// Poll+commit cycles before anything is measured, so that the server's JIT has reached its final tier.
    public int WarmupCycles => Smoke ? 150 : 4_000;

    /// The least time the warm-up takes: tier-1 compilation runs in the background after a call-counting delay, and
    /// the first ~10 s after start run slower code (docs/benchmarks.md; the targets are after ≥ 10 s).
    public TimeSpan WarmupMinimum => Smoke ? TimeSpan.Zero : TimeSpan.FromSeconds(10);

    /// Poll+commit cycles on the loaded backlog before sampling it (not recorded).
    public int SettleCycles => Smoke ? 50 : 500;

    /// Recorded polls per case and requeue mode, taken in <see cref="Rounds"/> interleaved blocks.
    public int Samples => Smoke ? 160 : 3_000;

    public int Rounds => Smoke ? 2 : 4;

    /// How long the server is left alone after the preload before its RSS is read.
    public TimeSpan Settle => Smoke ? TimeSpan.FromMilliseconds(300) : TimeSpan.FromSeconds(3);

    public int BatchSize => 1_000;

    public int PushConcurrency => 4;

    public static BenchOptions? Parse(IReadOnlyList<string> args, TextWriter error)
    {
        var smoke = false;
        string? server = null;
        string? output = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--smoke":
                    smoke = true;
                    break;
                case "--server" when i + 1 < args.Count:
                    server = Path.GetFullPath(args[++i]);
                    break;
                case "--out" when i + 1 < args.Count:
                    output = Path.GetFullPath(args[++i]);
                    break;
                case "--help" or "-h":
                    error.WriteLine(Usage);
                    return null;
                default:
                    error.WriteLine($"unknown or incomplete argument: {args[i]}");
                    error.WriteLine(Usage);
                    return null;
            }
        }

        return new BenchOptions(smoke, server, output);
    }
}
