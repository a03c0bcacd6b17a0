using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Ratus.Api.Cli;

namespace Ratus.Api.Tests.Hosting;

/// The real `ratus` server, started with `dotnet ratus.dll` from the build output, its output collected line by line.
internal sealed class ServerProcess : IDisposable
{
    // Qualified: the Ratus.Api.Tests.Process namespace hides the type's simple name here.
    private readonly System.Diagnostics.Process _process;
    private readonly StringBuilder _output = new();
    private readonly object _gate = new();

    private ServerProcess(System.Diagnostics.Process process)
    {
        _process = process;
    }

    public static string ServerDll
    {
        get
        {
            // The test assembly lives in artifacts/bin/Ratus.Api.Tests/<configuration>/, the server in
            // artifacts/bin/Ratus.Api/<configuration>/ (ArtifactsPath layout).
            var testDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            return Path.Combine(testDirectory.Parent!.Parent!.FullName, "Ratus.Api", testDirectory.Name, "ratus.dll");
        }
    }

    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    public int ExitCode => _process.ExitCode;

    public int Id => _process.Id;

    public static ServerProcess Start(params string[] args) => Start(new Dictionary<string, string>(), args);

    /// Starts the server with the given environment variables on top of a cleaned environment (no flag variables
    /// inherited from the machine), e.g. a container image's ENV block.
    public static ServerProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        Assert.That(File.Exists(ServerDll), Is.True, $"server not built at {ServerDll}");
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        startInfo.ArgumentList.Add(ServerDll);
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        // Only the arguments configure the server under test, not whatever the machine has set.
        foreach (var flag in Flags.All)
        {
            startInfo.Environment.Remove(flag.EnvironmentVariable);
        }

        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        var process = new System.Diagnostics.Process { StartInfo = startInfo };
        var server = new ServerProcess(process);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task<bool> WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < timeout)
        {
            if (Output.Contains(text, StringComparison.Ordinal))
            {
                return true;
            }

            if (_process.HasExited)
            {
                // Let the output readers drain what the process wrote last.
                await _process.WaitForExitAsync();
                return Output.Contains(text, StringComparison.Ordinal);
            }

            await Task.Delay(50);
        }

        return false;
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancellation.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// SIGKILL: no shutdown code runs, as in a crash or an OOM kill.
    public void KillHard()
    {
        _process.Kill();
        _process.WaitForExit(5000);
    }

    public void Terminate()
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _output.AppendLine(line);
        }
    }
}
