using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Ratus.Bench.Scaling;

/// One `dotnet ratus.dll` process on 127.0.0.1 with a free port, its working directory a temporary folder, its
/// output collected line by line. Disposing kills it if it still runs; <see cref="KillAll"/> is the last resort
/// when the benchmark itself is stopped.
internal sealed class RatusServer : IAsyncDisposable
{
    // The server reads each of its flags from an environment variable too (README, Configuration); none of the
    // caller's may leak into a measurement. ASPNETCORE_* and DOTNET_ENVIRONMENT would pick other settings files.
    private static readonly string[] ServerVariables =
    [
        "ENGINE", "PORT", "BIND", "MAX_BODY_SIZE", "CHORE_INTERVAL", "CHORE_INITIAL_DELAY", "CHORE_INITIAL_RANDOM",
        "PAGINATION_MAX_LIMIT", "PAGINATION_MAX_OFFSET", "LOG_FORMAT", "DOTNET_ENVIRONMENT",
    ];

    private static readonly string[] ServerVariablePrefixes = ["MEMDB_", "MONGODB_", "ASPNETCORE_", "Logging__"];

    private static readonly ConcurrentDictionary<int, Process> Running = new();

    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly Lock _gate = new();
    private long _launched;

    private RatusServer(Process process, int port)
    {
        _process = process;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// From the process start to the first 200 of /v1/readyz.
    public TimeSpan StartToReady { get; private set; }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    /// Starts the server and waits until /v1/readyz answers 200. Retries with another port when the one picked was
    /// taken in the meantime.
    public static async Task<RatusServer> StartAsync(
        string dll, string workingDirectory, IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment,
        TimeSpan readyTimeout, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var server = Launch(dll, workingDirectory, FreePort(), args, environment);
            try
            {
                await server.WaitReadyAsync(readyTimeout, cancellationToken);
                return server;
            }
            catch (BenchException) when (attempt < 3 && server.HasExited && server.Tail(20).Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await server.DisposeAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    /// Kills every server still running: for the benchmark's own exit paths that skip the finally blocks.
    public static void KillAll()
    {
        foreach (var process in Running.Values)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }
    }

    /// Resident set size from /proc/PID/status (VmRSS).
    public long RssBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kilobytes = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new BenchException($"no VmRSS in /proc/{Pid}/status");
    }

    /// User plus system CPU time of the server from /proc/PID/stat (10 ms resolution).
    public TimeSpan CpuTime()
    {
        var stat = File.ReadAllText($"/proc/{Pid}/stat");
        // The command name may contain spaces; the fields after it are fixed: state is field 3, utime 14, stime 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        const int ClockTicksPerSecond = 100; // USER_HZ on Linux
        return TimeSpan.FromSeconds((double)ticks / ClockTicksPerSecond);
    }

    /// SIGTERM, as systemd or `docker stop` would send; returns the time until the process exited. Fails when it
    /// does not exit in time or exits with a non-zero code.
    public async Task<TimeSpan> TerminateAsync(TimeSpan timeout)
    {
        var stopwatch = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-TERM", Pid.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            throw new BenchException($"the server did not exit within {timeout.TotalSeconds:0} s of SIGTERM\n{Tail(20)}");
        }

        var elapsed = stopwatch.Elapsed;
        Running.TryRemove(_process.Id, out _);
        if (_process.ExitCode != 0)
        {
            throw new BenchException($"the server exited with code {_process.ExitCode} after SIGTERM\n{Tail(20)}");
        }

        return elapsed;
    }

    public string Tail(int count)
    {
        var lines = Lines;
        return string.Join('\n', lines.Skip(Math.Max(0, lines.Count - count)));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(cancellation.Token);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
        finally
        {
            Running.TryRemove(_process.Id, out _);
            _process.Dispose();
        }
    }

    private static RatusServer Launch(
        string dll, string workingDirectory, int port, IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        startInfo.ArgumentList.Add(dll);
        foreach (var arg in (string[])["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", .. args])
        {
            startInfo.ArgumentList.Add(arg);
        }

        foreach (var name in startInfo.Environment.Keys.ToList())
        {
            if (ServerVariables.Contains(name) || ServerVariablePrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)))
            {
                startInfo.Environment.Remove(name);
            }
        }

        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        var process = new Process { StartInfo = startInfo };
        var server = new RatusServer(process, port);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        server._launched = Stopwatch.GetTimestamp();
        process.Start();
        Running[process.Id] = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        while (stopwatch.Elapsed < timeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync(cancellationToken); // lets the output readers drain
                throw new BenchException($"the server exited with code {_process.ExitCode} during start-up\n{Tail(20)}");
            }

            try
            {
                using var response = await client.GetAsync("v1/readyz", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    StartToReady = Stopwatch.GetElapsedTime(_launched);
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(10, cancellationToken);
        }

        throw new BenchException($"the server was not ready within {timeout.TotalSeconds:0} s\n{Tail(20)}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _lines.Add(line);
        }
    }
}

/// A failed expectation of the benchmark: reported with its message, exit code 1.
internal sealed class BenchException(string message) : Exception(message);
