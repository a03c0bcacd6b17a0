using System.Diagnostics;
using System.Globalization;
using System.Net;
using Ratus.Api.Tests.Hosting;

namespace Ratus.Api.Tests.Deployment;

/// The real `ratus` process started with exactly the Dockerfile's ENV block (only where it listens and where the
/// snapshot goes are changed for the test): the values parse, it serves /livez, the image's HEALTHCHECK command
/// succeeds against it, and the memdb snapshot lands at MEMDB_SNAPSHOT_PATH on SIGTERM.
[NonParallelizable]
[Platform(Include = "Linux,MacOsX", Reason = "stops the server with SIGTERM; the health check is a bash command")]
public sealed class ImageEnvironmentProcessTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);

    private ServerProcess? _server;
    private string? _dataDirectory;

    [TearDown]
    public void TearDown()
    {
        if (_server is not null && TestContext.CurrentContext.Result.Outcome.Status != NUnit.Framework.Interfaces.TestStatus.Passed)
        {
            TestContext.Out.WriteLine(_server.Output);
        }

        _server?.Dispose();
        if (_dataDirectory is not null && Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    [Test]
    public async Task ServerWithTheImageEnvironment_ServesLivez_PassesTheHealthCheck_AndWritesItsSnapshot()
    {
        var port = ServerProcess.FreePort().ToString(CultureInfo.InvariantCulture);
        _dataDirectory = Directory.CreateTempSubdirectory("ratus-image-env-").FullName;
        var snapshot = Path.Combine(_dataDirectory, Path.GetFileName(DockerfileTests.ImageEnvironment["MEMDB_SNAPSHOT_PATH"]));
        var environment = new Dictionary<string, string>(DockerfileTests.ImageEnvironment, StringComparer.Ordinal)
        {
            ["PORT"] = port,
            ["BIND"] = "127.0.0.1",
            ["MEMDB_SNAPSHOT_PATH"] = snapshot,
        };

        _server = ServerProcess.Start(environment);

        Assert.That(await _server.WaitForOutputAsync($"start listening on 127.0.0.1:{port}", StartTimeout), Is.True,
            "the server did not start with the image's environment");
        Assert.That(_server.Output, Does.Not.Contain("warn:"), "no warning at start-up (e.g. Kestrel overriding ASPNETCORE_HTTP_PORTS)");
        using (var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
        {
            using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{port}/livez"));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        Assert.That(await RunHealthCheckAsync(port), Is.Zero, "the Dockerfile's HEALTHCHECK command");

        _server.Terminate();
        Assert.That(await _server.WaitForExitAsync(ExitTimeout), Is.True, "the server did not stop after SIGTERM");
        Assert.Multiple(() =>
        {
            Assert.That(_server.ExitCode, Is.Zero);
            Assert.That(File.Exists(snapshot), Is.True, "the final snapshot at MEMDB_SNAPSHOT_PATH");
        });
    }

    private static async Task<int> RunHealthCheckAsync(string port)
    {
        var command = DockerfileTests.HealthCheckCommand;
        var startInfo = new ProcessStartInfo(command[0]) { UseShellExecute = false };
        foreach (var argument in command.Skip(1))
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["PORT"] = port;
        using var process = System.Diagnostics.Process.Start(startInfo)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await process.WaitForExitAsync(timeout.Token);
        return process.ExitCode;
    }
}
