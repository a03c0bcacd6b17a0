using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Ratus.Samples.Tests;

/// A sample program run from its build output (artifacts/bin/{sample}/{configuration}/{sample}.dll) with
/// `dotnet {sample}.dll`, its output collected. Disposing kills it if it still runs.
internal sealed class SampleProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly object _gate = new();

    private SampleProcess(Process process)
    {
        _process = process;
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

    /// Where the build puts a sample: next to this test project's output, in the same configuration.
    public static string Dll(string sample)
    {
        var testDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        return Path.Combine(testDirectory.Parent!.Parent!.FullName, sample, testDirectory.Name, sample + ".dll");
    }

    /// Starts a sample. The samples are built from the Ratus.Client package outside Ratus.sln, by .ci/run or by hand
    /// (samples/README.md); when one is not built, the test fails under CI and is skipped elsewhere.
    public static SampleProcess Start(string sample, params string[] args)
    {
        var dll = Dll(sample);
        if (!File.Exists(dll))
        {
            var message = $"{sample} is not built at {dll}: pack the client and build samples/Ratus.Samples.sln (see samples/README.md)";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail(message);
            }

            Assert.Ignore(message);
        }

        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        startInfo.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = startInfo };
        var sampleProcess = new SampleProcess(process);
        process.OutputDataReceived += (_, e) => sampleProcess.Append(e.Data);
        process.ErrorDataReceived += (_, e) => sampleProcess.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return sampleProcess;
    }

    /// Waits for the sample to exit and returns its exit code; fails the test if it does not exit in time.
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            // Also waits for the output readers to reach the end of the streams.
            await _process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the sample did not exit within {timeout}:{Environment.NewLine}{Output}");
        }

        return _process.ExitCode;
    }

    /// Sends SIGTERM, as `docker stop` or systemd would; the samples stop as on Ctrl+C.
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
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
