using BenchmarkDotNet.Running;

namespace Ratus.Benchmarks;

public static class Program
{
    private const string SmokeFlag = "--smoke";

    // `--smoke` runs every benchmark once, in process, at its smallest backlog: proof that they still work, in seconds.
    // Any other arguments go to BenchmarkDotNet (`--filter *Engine*`, `--list flat`); without a filter, all run.
    public static int Main(string[] args)
    {
        var smoke = args.Contains(SmokeFlag, StringComparer.Ordinal);
        var rest = args.Where(a => a != SmokeFlag).ToList();
        if (!rest.Any(a => a is "--filter" or "-f" or "--list" or "--help" or "-h" or "--version"))
        {
            rest.AddRange(["--filter", "*"]);
        }

        var config = smoke ? BenchmarkConfig.Smoke() : BenchmarkConfig.Full();
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run([.. rest], config).ToList();
        return BenchmarkConfig.Failures(summaries, smoke) is { Count: > 0 } failures
            ? Fail(failures)
            : 0;
    }

    private static int Fail(IReadOnlyList<string> failures)
    {
        foreach (var failure in failures)
        {
            Console.Error.WriteLine($"benchmark failed: {failure}");
        }

        return 1;
    }
}
