using System.Reflection;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace Ratus.Benchmarks;

internal static class BenchmarkConfig
{
    // Each benchmark's backlog parameter; smoke runs only its smallest value.
    private const string BacklogParameter = nameof(EngineBenchmarks.Backlog);

    // Bounded so that the whole suite takes minutes on two cores: one process per benchmark and backlog, a short pilot,
    // 3 warm-up and 8 measured iterations of a quarter second each. No forced full collection between iterations: with a
    // million tasks on the heap each one costs a good part of a second, and a server pays for its collections as they
    // come, so the figures include them.
    public static IConfig Full() =>
        Base("full")
            .AddJob(Job.Default
                .WithId("Bounded")
                .WithLaunchCount(1)
                .WithWarmupCount(3)
                .WithIterationCount(8)
                .WithIterationTime(TimeInterval.FromMilliseconds(250))
                .WithGcForce(false));

    // One invocation of each benchmark, in this process (no project to generate and build), at the smallest backlog.
    public static IConfig Smoke() =>
        Base("smoke")
            .AddJob(Job.Dry.WithToolchain(InProcessEmitToolchain.Instance).WithId("Smoke"))
            .AddFilter(new SimpleFilter(IsSmallestBacklog));

    // What went wrong, if anything: a validation error, a benchmark that failed to build or run, or (smoke) no benchmark.
    public static List<string> Failures(IReadOnlyList<Summary> summaries, bool smoke)
    {
        var failures = new List<string>();
        foreach (var summary in summaries)
        {
            failures.AddRange(summary.ValidationErrors.Where(e => e.IsCritical).Select(e => e.Message));
            failures.AddRange(summary.Reports.Where(r => !r.Success).Select(r => r.BenchmarkCase.DisplayInfo));
            failures.AddRange(summary.BenchmarksCases
                .Where(c => summary.Reports.All(r => r.BenchmarkCase != c))
                .Select(c => c.DisplayInfo + " (no report)"));
        }

        if (smoke && summaries.Sum(s => s.BenchmarksCases.Length) == 0)
        {
            failures.Add("no benchmark ran");
        }

        return failures;
    }

    private static ManualConfig Base(string name)
    {
        var defaults = DefaultConfig.Instance;
        return ManualConfig.CreateEmpty()
            .AddColumnProvider(defaults.GetColumnProviders().ToArray())
            // On a shared machine the mean takes in whatever else ran; the minimum and median iteration say more.
            .AddColumn(StatisticColumn.Min, StatisticColumn.Median)
            .AddLogger(ConsoleLogger.Default)
            .AddAnalyser(defaults.GetAnalysers().ToArray())
            .AddValidator(defaults.GetValidators().ToArray())
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddExporter(MarkdownExporter.GitHub)
            .WithArtifactsPath(Path.Combine(RepositoryRoot(), "artifacts", "bench", name));
    }

    private static bool IsSmallestBacklog(BenchmarkCase benchmark)
    {
        var property = benchmark.Descriptor.Type.GetProperty(BacklogParameter);
        if (property?.GetCustomAttribute<ParamsAttribute>() is not { } values)
        {
            return true;
        }

        var smallest = values.Values.Cast<int>().Min();
        return benchmark.Parameters[BacklogParameter] is int backlog && backlog == smallest;
    }

    // The directory of Ratus.sln, whether started with `dotnet run` from anywhere or from the build output.
    private static string RepositoryRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Ratus.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        return Environment.CurrentDirectory;
    }
}
