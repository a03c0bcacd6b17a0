namespace Ratus.Api.Tests.Hosting;

[NonParallelizable]
[Platform(Include = "Linux,MacOsX", Reason = "stops the server with SIGTERM")]
public sealed class ServerProcessTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);

    private ServerProcess? _server;

    [TearDown]
    public void TearDown()
    {
        if (_server is not null && TestContext.CurrentContext.Result.Outcome.Status != NUnit.Framework.Interfaces.TestStatus.Passed)
        {
            TestContext.Out.WriteLine(_server.Output);
        }

        _server?.Dispose();
    }

    [Test]
    public async Task Server_Sigterm_ShutsDownGracefullyWithExitCodeZero()
    {
        var port = ServerProcess.FreePort();
        _server = ServerProcess.Start("--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1");

        var started = await _server.WaitForOutputAsync($"start listening on 127.0.0.1:{port}", StartTimeout);
        Assert.That(started, Is.True, "the server did not report that it is listening");
        // Logged right after the listening line; wait for it rather than race the output reader.
        Assert.That(await _server.WaitForOutputAsync("start running background jobs", StartTimeout), Is.True);
        Assert.That(_server.Output, Does.Match($@"start listening on 127\.0\.0\.1:{port} \(engine memdb, bind 127\.0\.0\.1, port {port}, version \S+\)"));

        using (var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
        {
            // Any answer proves Kestrel listens where the log line says; the routes belong to the API.
            using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{port}/v1/livez"));
        }

        _server.Terminate();

        Assert.That(await _server.WaitForExitAsync(ExitTimeout), Is.True, "the server did not stop after SIGTERM");
        Assert.Multiple(() =>
        {
            Assert.That(_server.ExitCode, Is.Zero);
            Assert.That(_server.Output, Does.Contain("shut down gracefully"));
        });
    }

    [Test]
    public async Task Server_LogFormatJson_WritesOneJsonObjectPerLine()
    {
        var port = ServerProcess.FreePort();
        _server = ServerProcess.Start(new Dictionary<string, string> { ["LOG_FORMAT"] = "json" },
            "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1");

        var started = await _server.WaitForOutputAsync($"start listening on 127.0.0.1:{port}", StartTimeout);
        Assert.That(started, Is.True, "the server did not report that it is listening");
        _server.Terminate();
        Assert.That(await _server.WaitForExitAsync(ExitTimeout), Is.True, "the server did not stop after SIGTERM");

        var lines = _server.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var entries = lines.Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement.Clone()).ToList();
        var listening = entries.Single(e => e.GetProperty("Message").GetString()!.StartsWith("start listening on ", StringComparison.Ordinal));
        var state = listening.GetProperty("State");
        Assert.Multiple(() =>
        {
            Assert.That(listening.GetProperty("Message").GetString(), Does.StartWith($"start listening on 127.0.0.1:{port}"));
            Assert.That(state.GetProperty("Engine").GetString(), Is.EqualTo("memdb"));
            Assert.That(state.GetProperty("Bind").GetString(), Is.EqualTo("127.0.0.1"));
            Assert.That(state.GetProperty("Port").GetInt32(), Is.EqualTo(port));
            Assert.That(state.GetProperty("Version").GetString(), Is.Not.Empty);
            Assert.That(listening.GetProperty("Timestamp").GetString(), Does.EndWith("Z"));
            Assert.That(entries.Select(e => e.GetProperty("Message").GetString()), Does.Contain("shut down gracefully"));
        });
    }

    [Test]
    public async Task Server_PortZero_RunsChoresWithoutHttpAndStopsGracefully()
    {
        _server = ServerProcess.Start("--port", "0", "--chore-interval", "1s");

        var started = await _server.WaitForOutputAsync("start running background jobs", StartTimeout);
        Assert.That(started, Is.True, "the background jobs did not start");
        _server.Terminate();

        Assert.That(await _server.WaitForExitAsync(ExitTimeout), Is.True, "the server did not stop after SIGTERM");
        Assert.Multiple(() =>
        {
            Assert.That(_server.ExitCode, Is.Zero);
            Assert.That(_server.Output, Does.Contain("shut down gracefully"));
            Assert.That(_server.Output, Does.Not.Contain("start listening"));
        });
    }

    // Each of these once started (a port of -1 served nothing), crashed with a stack trace (exit code 134) or exited
    // with a log line (exit code 1), with the error, if any, after 30 lines of usage.
    [TestCase(new[] { "--port", "abc" }, "error: error processing --port: strconv.ParseInt: parsing \"abc\": invalid syntax")]
    [TestCase(new[] { "--port", "99999" }, "error: error processing --port: strconv.ParseInt: parsing \"99999\": value out of range (want 0 to 65535)")]
    [TestCase(new[] { "--port=-1" }, "error: error processing --port: strconv.ParseInt: parsing \"-1\": value out of range (want 0 to 65535)")]
    [TestCase(new[] { "--engine", "foo" }, "error: error processing --engine: unknown storage engine \"foo\" (want memdb or mongodb)")]
    [TestCase(new[] { "--port", "0", "--chore-initial-delay", "2000h" }, "error: error processing --chore-initial-delay: time: duration \"2000h\" out of range")]
    [TestCase(new[] { "--bind", "127.0.0.1:8080" }, "error: error processing --bind: invalid address \"127.0.0.1:8080\"")]
    public async Task Server_BadValue_PrintsTheErrorFirstThenTheUsageAndExitsTwo(string[] args, string error)
    {
        _server = ServerProcess.Start(args);

        Assert.That(await _server.WaitForExitAsync(StartTimeout), Is.True, "the server did not exit");
        var lines = _server.Error.Split('\n');
        Assert.Multiple(() =>
        {
            Assert.That(_server.ExitCode, Is.EqualTo(2));
            Assert.That(lines[0], Does.StartWith(error));
            Assert.That(lines[1], Is.Empty);
            Assert.That(lines[2], Does.StartWith("Usage: ratus "));
            Assert.That(_server.Error.Trim(), Does.EndWith("display version and exit"), "nothing but the usage after the error");
            Assert.That(_server.Output, Is.EqualTo(_server.Error), "nothing on standard output");
        });
    }

    [Test]
    public async Task Server_BindNameThatDoesNotResolve_ExitsWithOneAndLogsTheReasonOnOneLine()
    {
        var port = ServerProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        _server = ServerProcess.Start("--port", port, "--bind", "no-such-host.invalid");

        Assert.That(await _server.WaitForExitAsync(StartTimeout), Is.True, "the server did not exit");
        Assert.Multiple(() =>
        {
            Assert.That(_server.ExitCode, Is.EqualTo(1));
            Assert.That(_server.Output, Does.Match($@"crit: Ratus\.Api\[\d+\] cannot listen on no-such-host\.invalid:{port}: "));
            Assert.That(_server.Output, Does.Not.Contain("   at "), "a start-up error is one line, not a stack trace");
            Assert.That(_server.Output, Does.Not.Contain("start listening"));
        });
    }

    [Test]
    public async Task Server_Help_PrintsUsageAndExitsZero()
    {
        _server = ServerProcess.Start("--help");

        Assert.That(await _server.WaitForExitAsync(StartTimeout), Is.True, "the server did not exit");
        Assert.Multiple(() =>
        {
            Assert.That(_server.ExitCode, Is.Zero);
            Assert.That(_server.Output, Does.StartWith("Usage: ratus "));
        });
    }
}
