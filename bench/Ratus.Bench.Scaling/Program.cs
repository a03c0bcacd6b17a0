using System.Diagnostics;
using System.Runtime.InteropServices;
using Ratus.Bench.Scaling;

// The scaling run of issue 7: poll latency at a small and a large backlog over 1 and 1,000 topics, memory per task
// and snapshot write and load at the large backlog, all against the real server process. See README.md.
if (args.Any(a => a is "--help" or "-h"))
{
    Console.Out.WriteLine(BenchOptions.Usage);
    return 0;
}

if (BenchOptions.Parse(args, Console.Error) is not { } options)
{
    return 2;
}

var root = RepositoryRoot();
var dll = options.ServerDll ?? Path.Combine(root, "artifacts", "bin", "Ratus.Api", "release", "ratus.dll");
if (!File.Exists(dll))
{
    Console.Error.WriteLine($"no server at {dll}: build it with `dotnet build -c Release src/Ratus.Api` (dotnet run -c Release does)");
    return 1;
}

#if DEBUG
Console.Error.WriteLine("warning: the benchmark was built in Debug, so `dotnet run` rebuilt the Debug server; running the Release one at " +
    $"{dll}, built {File.GetLastWriteTimeUtc(dll):u}. Use `dotnet run -c Release`.");
#endif

using var cancellation = new CancellationTokenSource();
// Ctrl-C or SIGTERM cancel the run, so that the finally blocks stop the servers and delete the temporary files.
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
AppDomain.CurrentDomain.ProcessExit += (_, _) => RatusServer.KillAll();

var info = RunInfo.Collect(root, dll);
var temp = Directory.CreateTempSubdirectory("ratus-scaling-");
var total = Stopwatch.StartNew();
try
{
    Console.Error.WriteLine($"scaling run ({(options.Smoke ? "smoke" : "full")}) against {dll}; temporary files in {temp.FullName}");
    var results = await new ScalingRun(options, dll, temp.FullName, Console.Error).RunAsync(cancellation.Token);
    var markdown = Report.Render(results, options, info, total.Elapsed);
    Console.Out.Write(markdown);
    var output = options.OutputPath ?? Path.Combine(root, "artifacts", "bench", options.Smoke ? "scaling-smoke.md" : "scaling.md");
    Directory.CreateDirectory(Path.GetDirectoryName(output)!);
    await File.WriteAllTextAsync(output, markdown);
    Console.Error.WriteLine($"wrote {output}; {total.Elapsed.TotalSeconds:0.0} s in all");
    return 0;
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    Console.Error.WriteLine("interrupted");
    return 130;
}
catch (BenchException e)
{
    Console.Error.WriteLine($"FAILED: {e.Message}");
    return 1;
}
catch (Exception e)
{
    Console.Error.WriteLine($"FAILED: {e}");
    return 1;
}
finally
{
    RatusServer.KillAll();
    try
    {
        temp.Delete(recursive: true);
    }
    catch (IOException e)
    {
        Console.Error.WriteLine($"could not delete {temp.FullName}: {e.Message}");
    }
}

void Cancel(PosixSignalContext context)
{
    context.Cancel = true;
    cancellation.Cancel();
}

// The folder that holds Ratus.sln, above this program's output folder (artifacts/bin/Ratus.Bench.Scaling/...) or
// the working directory.
static string RepositoryRoot()
{
    foreach (var start in (string[])[AppContext.BaseDirectory, Environment.CurrentDirectory])
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Ratus.sln")))
            {
                return directory.FullName;
            }
        }
    }

    throw new InvalidOperationException("Ratus.sln not found above the benchmark or the working directory");
}
