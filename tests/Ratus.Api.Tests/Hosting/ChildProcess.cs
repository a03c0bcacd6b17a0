using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Ratus.Api.Tests.Hosting;

/// A program a test runs as `dotnet {dll}`, its standard output and error collected line by line (together, and
/// standard error alone). Disposing kills it
/// if it still runs.
internal abstract class ChildProcess : IDisposable
{
    // Qualified: the Ratus.Api.Tests.Process namespace hides the type's simple name here.
    private readonly System.Diagnostics.Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly object _gate = new();

    protected ChildProcess(ProcessStartInfo startInfo)
    {
        _process = new System.Diagnostics.Process { StartInfo = startInfo };
        _process.OutputDataReceived += (_, e) => Append(e.Data, toError: false);
        _process.ErrorDataReceived += (_, e) => Append(e.Data, toError: true);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
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

    /// Standard error alone, in the order it was written.
    public string Error
    {
        get
        {
            lock (_gate)
            {
                return _error.ToString();
            }
        }
    }

    public int ExitCode => _process.ExitCode;

    public bool HasExited => _process.HasExited;

    public int Id => _process.Id;

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

    // Also waits for the output readers to reach the end of the streams.
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

    /// SIGKILL: no shutdown code runs, as in a crash or an OOM kill. Returns once the process is gone, so that a
    /// restart never meets it still holding its files or port.
    public void KillHard()
    {
        _process.Kill();
        if (!_process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            throw new TimeoutException($"process {_process.Id} still runs 30 s after SIGKILL");
        }
    }

    /// SIGTERM, as `docker stop` or systemd would send.
    public void Terminate()
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
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

        GC.SuppressFinalize(this);
    }

    protected static ProcessStartInfo Dotnet(string dll, string workingDirectory, IEnumerable<string> args)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        startInfo.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        return startInfo;
    }

    private void Append(string? line, bool toError)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _output.AppendLine(line);
            if (toError)
            {
                _error.AppendLine(line);
            }
        }
    }
}
