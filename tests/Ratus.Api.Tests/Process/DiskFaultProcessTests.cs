using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using NUnit.Framework.Interfaces;
using Ratus.Api.Tests.Hosting;
using Ratus.Infrastructure.Tests.Support;

namespace Ratus.Api.Tests.Process;

/// The real server on a disk that really fills up (a 1 MiB tmpfs, skipped where mounting one is not permitted), and
/// one started on a log that does not continue its snapshot. The fault-injection tests of the engine
/// (Ratus.Infrastructure.Tests: AppendOnlyLogFaultTests, SnapshotFailureTests) cover every path; these check the wire.
[NonParallelizable]
[Platform(Include = "Linux", Reason = "mounts a tmpfs; stops the server with SIGTERM")]
public sealed class DiskFaultProcessTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ConditionTimeout = TimeSpan.FromSeconds(30);

    private readonly List<ServerProcess> _servers = [];
    private string _directory = null!;
    private bool _mounted;

    [SetUp]
    public void SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), $"ratus-disk-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void TearDown()
    {
        foreach (var server in _servers)
        {
            if (TestContext.CurrentContext.Result.Outcome.Status != TestStatus.Passed)
            {
                TestContext.Out.WriteLine(server.Output);
            }

            server.Dispose();
        }

        _servers.Clear();
        if (_mounted)
        {
            Run("umount", _directory);
        }

        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public async Task FullDisk_LogAlways_RefusesWith503UntilSpaceIsFreed_ThenResumesAndLosesNothing()
    {
        MountTinyDisk();
        var aof = Path.Combine(_directory, "ratus.aof");
        string[] flags = ["--memdb-aof-path", aof, "--memdb-aof-fsync", "always", "--chore-interval", "0"];
        var (server, client) = await StartListeningAsync(flags);
        using (client)
        {
            Assert.That((await SendAsync(client, HttpMethod.Post, "/v1/topics/t/tasks/before", "{}")).Status, Is.EqualTo(HttpStatusCode.Created));

            var filler = FillDisk();

            // Larger than a page, so the log needs space it no longer has.
            var payload = $$"""{"payload":"{{new string('x', 16 << 10)}}"}""";
            var refused = await SendAsync(client, HttpMethod.Post, "/v1/topics/t/tasks/lost", payload);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(refused.Status, Is.EqualTo(HttpStatusCode.ServiceUnavailable), refused.Body);
                Assert.That(refused.Body, Does.Contain("memdb append-only log cannot be written").And.Not.Contain(aof));
                Assert.That((await SendAsync(client, HttpMethod.Get, "/v1/readyz")).Status, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
                Assert.That((await SendAsync(client, HttpMethod.Get, "/v1/topics/t/tasks/lost")).Status, Is.EqualTo(HttpStatusCode.NotFound));
            }

            File.Delete(filler);
            Assert.That((await SendAsync(client, HttpMethod.Post, "/v1/topics/t/tasks/after", payload)).Status, Is.EqualTo(HttpStatusCode.Created));
            Assert.That((await SendAsync(client, HttpMethod.Get, "/v1/readyz")).Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await server.WaitForOutputAsync("writable again", ConditionTimeout), Is.True);
            Assert.That(Occurrences(server.Output, "cannot be written"), Is.EqualTo(1), server.Output);
        }

        server.KillHard();
        var (restarted, restartedClient) = await StartListeningAsync(flags);
        using (restartedClient)
        {
            var page = JsonNode.Parse((await SendAsync(restartedClient, HttpMethod.Get, "/v1/topics/t/tasks")).Body)!["data"]!.AsArray();
            Assert.That(page.Select(t => (string)t!["_id"]!), Is.EquivalentTo(new[] { "before", "after" }));
        }

        restarted.KillHard();
    }

    // With snapshots alone, writes are still accepted (they are in memory), but readiness and the log say that they
    // are not being saved, and saving resumes by itself once there is room.
    [Test]
    public async Task FullDisk_SnapshotsOnly_NotReadyUntilSpaceIsFreed_ThenSavesAgain()
    {
        MountTinyDisk();
        var snapshot = Path.Combine(_directory, "ratus.db");
        string[] flags = ["--memdb-snapshot-path", snapshot, "--memdb-snapshot-interval", "1s", "--chore-interval", "1s"];
        var (server, client) = await StartListeningAsync(flags);
        using (client)
        {
            var filler = FillDisk();
            var payload = $$"""{"payload":"{{new string('x', 16 << 10)}}"}""";
            Assert.That((await SendAsync(client, HttpMethod.Post, "/v1/topics/t/tasks/kept", payload)).Status, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(await WaitUntilReadyzAsync(client, HttpStatusCode.ServiceUnavailable), Is.True, "/readyz stayed 200 while snapshots failed");
            Assert.That(await server.WaitForOutputAsync($"memdb snapshot {snapshot} cannot be written", ConditionTimeout), Is.True);

            File.Delete(filler);
            Assert.That(await WaitUntilReadyzAsync(client, HttpStatusCode.OK), Is.True, "/readyz stayed 503 after space was freed");
            Assert.That(await server.WaitForOutputAsync($"memdb snapshot {snapshot} written again", ConditionTimeout), Is.True);
        }

        server.Terminate();
        Assert.That(await server.WaitForExitAsync(ConditionTimeout), Is.True);
        Assert.That(server.ExitCode, Is.Zero);
        var (restarted, restartedClient) = await StartListeningAsync(flags);
        using (restartedClient)
        {
            Assert.That((await SendAsync(restartedClient, HttpMethod.Get, "/v1/topics/t/tasks/kept")).Status, Is.EqualTo(HttpStatusCode.OK));
        }

        restarted.KillHard();
    }

    [Test]
    public async Task Start_WithALogOlderThanTheSnapshot_ExitsWithOneNamingBoth_UnlessRepair()
    {
        var aof = Path.Combine(_directory, "ratus.aof");
        string[] flags = ["--memdb-aof-path", aof, "--memdb-aof-fsync", "always", "--chore-interval", "0"];
        var (first, client) = await StartListeningAsync(flags);
        using (client)
        {
            Assert.That((await SendAsync(client, HttpMethod.Post, "/v1/topics/t/tasks/a", "{}")).Status, Is.EqualTo(HttpStatusCode.Created));
            Assert.That((await SendAsync(client, HttpMethod.Post, "/v1/topics/t/tasks/deleted", "{}")).Status, Is.EqualTo(HttpStatusCode.Created));
            File.Copy(aof, Path.Combine(_directory, "old.aof"));
            Assert.That((await SendAsync(client, HttpMethod.Delete, "/v1/topics/t/tasks/deleted")).Status, Is.EqualTo(HttpStatusCode.OK));
        }

        first.Terminate(); // the final snapshot starts generation 2
        Assert.That(await first.WaitForExitAsync(ConditionTimeout), Is.True);
        File.Copy(Path.Combine(_directory, "old.aof"), aof, overwrite: true);

        var refused = ServerProcess.Start(["--port", "0", .. flags]);
        _servers.Add(refused);
        Assert.That(await refused.WaitForExitAsync(StartTimeout), Is.True, "the server did not exit");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(refused.ExitCode, Is.EqualTo(1));
            Assert.That(refused.Output, Does.Contain(aof).And.Contain(aof + ".snapshot").And.Contain("--memdb-aof-repair"));
        }

        var (repaired, repairedClient) = await StartListeningAsync([.. flags, "--memdb-aof-repair"]);
        using (repairedClient)
        {
            Assert.That((await SendAsync(repairedClient, HttpMethod.Get, "/v1/topics/t/tasks/deleted")).Status, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That((await SendAsync(repairedClient, HttpMethod.Get, "/v1/topics/t/tasks/a")).Status, Is.EqualTo(HttpStatusCode.OK));
        }

        repaired.KillHard();
    }

    private static int Occurrences(string text, string value) =>
        text.Split(value, StringSplitOptions.None).Length - 1;

    private static (int ExitCode, string Output) Run(string command, params string[] args)
    {
        var startInfo = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        try
        {
            using var process = System.Diagnostics.Process.Start(startInfo)!;
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output.Trim());
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            return (-1, exception.Message);
        }
    }

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient client, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static Task<bool> WaitUntilReadyzAsync(HttpClient client, HttpStatusCode status) =>
        Eventually.HoldsAsync(async () => (await SendAsync(client, HttpMethod.Get, "/v1/readyz")).Status == status);

    private void MountTinyDisk()
    {
        var (exitCode, output) = Run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", _directory);
        if (exitCode != 0)
        {
            Assert.Ignore($"a full disk is simulated on a 1 MiB tmpfs, and mounting one is not permitted here: {output}");
        }

        _mounted = true;
    }

    // Takes every free page of the tmpfs; deleting the returned file frees them.
    private string FillDisk()
    {
        var filler = Path.Combine(_directory, "filler");
        var block = new byte[4096];
        using var stream = new FileStream(filler, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        try
        {
            while (true)
            {
                stream.Write(block);
            }
        }
        catch (IOException)
        {
            // Full: the point.
        }

        return filler;
    }

    private async Task<(ServerProcess Server, HttpClient Client)> StartListeningAsync(params string[] args)
    {
        var port = ServerProcess.FreePort().ToString(CultureInfo.InvariantCulture);
        var server = ServerProcess.Start(["--port", port, "--bind", "127.0.0.1", .. args]);
        _servers.Add(server);
        Assert.That(await server.WaitForOutputAsync($"start listening on 127.0.0.1:{port}", StartTimeout), Is.True, "the server did not start listening");
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        return (server, client);
    }
}
