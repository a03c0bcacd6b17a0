using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NUnit.Framework.Interfaces;
using Ratus.Api.Tests.Hosting;
using Ratus.Domain.Tasks;
using Ratus.Infrastructure.InMemory;

namespace Ratus.Api.Tests.Process;

/// The built `ratus.dll` as an operator runs it: memdb snapshots across restarts, start-up failures, recovery of
/// expired promises (docs/protocol.md, D3) and the chore-only instance (docs/protocol.md §3.11, §3.13).
[NonParallelizable]
[Platform(Include = "Linux,MacOsX", Reason = "stops the server with SIGTERM")]
public sealed class ServerProcessLifecycleTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    private readonly List<ServerProcess> _servers = [];
    private string _directory = null!;
    private string _snapshot = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), $"ratus-process-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_directory);
        _snapshot = Path.Combine(_directory, "ratus.db");
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
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public async Task Restart_WithSnapshot_RestoresEveryTaskExactlyAndTheOldNonceStillCommits()
    {
        const string Payload = """{"big":12345678901234567890,"nested":[[1,[2.50,{"k":[]}]],"x",null,true],"s":"<&>\u00e9"}""";
        var (first, client) = await StartListeningAsync("--memdb-snapshot-path", _snapshot, "--chore-interval", "0");
        string nonce;
        var ids = new[] { "pending", "deferred", "payload", "active", "completed", "archived" };
        using (client)
        {
            await ExpectAsync(client, HttpMethod.Post, "/v1/topics/restart/tasks/pending", """{"producer":"p"}""", HttpStatusCode.Created);
            await ExpectAsync(client, HttpMethod.Post, "/v1/topics/restart/tasks/deferred", """{"defer":"1h"}""", HttpStatusCode.Created);
            await ExpectAsync(client, HttpMethod.Post, "/v1/topics/restart/tasks/payload", $$"""{"payload":{{Payload}}}""", HttpStatusCode.Created);
            await ExpectAsync(client, HttpMethod.Post, "/v1/topics/restart/tasks/active", "{}", HttpStatusCode.Created);
            await ExpectAsync(client, HttpMethod.Post, "/v1/topics/restart/tasks/completed", "{}", HttpStatusCode.Created);
            await ExpectAsync(client, HttpMethod.Post, "/v1/topics/restart/tasks/archived", "{}", HttpStatusCode.Created);

            var claim = await ExpectAsync(client, HttpMethod.Post, "/v1/topics//promises/active", """{"consumer":"c1","timeout":"1h"}""", HttpStatusCode.OK);
            nonce = (string)JsonNode.Parse(claim)!["nonce"]!;
            var done = await ExpectAsync(client, HttpMethod.Post, "/v1/topics//promises/completed", """{"consumer":"c2"}""", HttpStatusCode.OK);
            await ExpectAsync(client, HttpMethod.Patch, "/v1/topics//tasks/completed",
                $$"""{"nonce":"{{(string)JsonNode.Parse(done)!["nonce"]!}}"}""", HttpStatusCode.OK);
            await ExpectAsync(client, HttpMethod.Patch, "/v1/topics//tasks/archived", """{"state":3}""", HttpStatusCode.OK);

            var before = await GetAllAsync(client, ids);
            await StopGracefullyAsync(first);
            Assert.That(File.Exists(_snapshot), Is.True, "no snapshot written on shutdown");

            var (second, restarted) = await StartListeningAsync("--memdb-snapshot-path", _snapshot, "--chore-interval", "0");
            using (restarted)
            {
                var after = await GetAllAsync(restarted, ids);
                var active = JsonNode.Parse(before["active"])!;
                using (Assert.EnterMultipleScope())
                {
                    Assert.That(before["payload"], Does.Contain($"\"payload\":{Payload}"), "the payload is kept as sent");
                    Assert.That(before.Values.Select(t => (int)JsonNode.Parse(t)!["state"]!), Is.EqualTo(new[] { 0, 0, 0, 1, 2, 3 }));
                    Assert.That(JsonNode.Parse(before["deferred"])!["scheduled"]!.GetValue<DateTimeOffset>(), Is.GreaterThan(DateTimeOffset.UtcNow.AddMinutes(50)));
                    Assert.That(active["consumed"], Is.Not.Null);
                    Assert.That(active["deadline"], Is.Not.Null);
                    Assert.That((string?)active["consumer"], Is.EqualTo("c1"));
                    foreach (var id in ids)
                    {
                        Assert.That(after[id], Is.EqualTo(before[id]), $"task {id} after the restart");
                    }
                }

                var commit = await ExpectAsync(restarted, HttpMethod.Patch, "/v1/topics//tasks/active", $$"""{"nonce":"{{nonce}}"}""", HttpStatusCode.OK);
                Assert.That((int)JsonNode.Parse(commit)!["state"]!, Is.EqualTo(2));
                await StopGracefullyAsync(second);
            }
        }
    }

    [TestCase("random bytes")]
    [TestCase("truncated")]
    public async Task Start_WithUnreadableSnapshot_ExitsWithOneNamingTheFileAndLeavesItAlone(string damage)
    {
        byte[] bytes;
        if (damage == "random bytes")
        {
            bytes = new byte[512];
            new Random(7).NextBytes(bytes);
        }
        else
        {
            await WriteSnapshotAsync(_snapshot, 20);
            var valid = await File.ReadAllBytesAsync(_snapshot);
            bytes = valid[..(valid.Length / 2)];
        }

        await File.WriteAllBytesAsync(_snapshot, bytes);
        var server = Start("--port", FreePort(), "--bind", "127.0.0.1", "--memdb-snapshot-path", _snapshot);

        Assert.That(await server.WaitForExitAsync(StartTimeout), Is.True, "the server did not exit");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(server.ExitCode, Is.EqualTo(1));
            Assert.That(server.Output, Does.Contain(_snapshot));
            Assert.That(server.Output, Does.Not.Contain("start listening"));
            Assert.That(await File.ReadAllBytesAsync(_snapshot), Is.EqualTo(bytes), "the snapshot was changed");
            Assert.That(Directory.GetFiles(_directory), Is.EqualTo(new[] { _snapshot }), "a file was left beside the snapshot");
        }
    }

    [Test]
    public async Task Start_WithMissingSnapshot_IsReadyAndTheFirstChoreWritesIt()
    {
        var (server, client) = await StartListeningAsync("--memdb-snapshot-path", _snapshot, "--chore-interval", "1s");
        using (client)
        {
            using var ready = await client.GetAsync(new Uri("/v1/readyz", UriKind.Relative));
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await WaitUntilAsync(() => File.Exists(_snapshot), WaitLimit), Is.True, "no snapshot after the first chore");
            Assert.That(await ReadSnapshotAsync(_snapshot), Is.Empty);
            await StopGracefullyAsync(server);
        }
    }

    // How soon after the deadline is the chore tests' business (on a fake clock: a recovery every 500 ms, the default);
    // here the chore is an hour away, so only the recovery loop, running with its default settings, can recover it.
    [Test]
    public async Task ExpiredPromise_WithTheChoreAnHourAway_IsRecoveredByTheRecoveryLoop()
    {
        var (server, client) = await StartListeningAsync("--chore-interval", "1h", "--chore-initial-delay", "1h");
        using (client)
        {
            await ExpectAsync(client, HttpMethod.Post, "/v1/topics/d3/tasks/expiring", "{}", HttpStatusCode.Created);
            var claim = JsonNode.Parse(await ExpectAsync(
                client, HttpMethod.Post, "/v1/topics//promises/expiring", """{"consumer":"slow","timeout":"1s"}""", HttpStatusCode.OK))!;

            // Only reads: a poll could recover the task itself and hide a missing recovery loop.
            var until = DateTime.UtcNow + WaitLimit;
            JsonNode task;
            do
            {
                await Task.Delay(100);
                task = JsonNode.Parse(await ExpectAsync(client, HttpMethod.Get, "/v1/topics//tasks/expiring", null, HttpStatusCode.OK))!;
            }
            while ((int)task["state"]! != 0 && DateTime.UtcNow < until);

            using (Assert.EnterMultipleScope())
            {
                Assert.That((int)task["state"]!, Is.Zero, $"the expired promise was not recovered within {WaitLimit.TotalSeconds} s");
                Assert.That((string)task["nonce"]!, Is.Empty);
                Assert.That((string?)task["consumer"], Is.EqualTo("slow"));
                Assert.That((string?)task["consumed"], Is.EqualTo((string?)claim["consumed"]));
                Assert.That((string?)task["deadline"], Is.EqualTo((string?)claim["deadline"]));
            }

            await StopGracefullyAsync(server);
        }
    }

    [Test]
    [Platform(Include = "Linux", Reason = "reads the process's sockets from /proc")]
    public async Task PortZero_RunsChoresWithoutAListeningSocketAndStopsGracefully()
    {
        var server = Start("--port", "0", "--memdb-snapshot-path", _snapshot, "--chore-interval", "1s");

        Assert.That(await server.WaitForOutputAsync("start running background jobs", StartTimeout), Is.True, "the background jobs did not start");
        Assert.That(await WaitUntilAsync(() => File.Exists(_snapshot), WaitLimit), Is.True, "no snapshot after the first chore");
        Assert.That(ListeningSockets.Of(server.Id), Is.Empty, "a chore-only instance listens on a socket");
        await StopGracefullyAsync(server);
        Assert.That(server.Output, Does.Not.Contain("start listening"));
    }

    [Test]
    [Platform(Include = "Linux", Reason = "reads the process's sockets from /proc")]
    public void ListeningSockets_SeesAListenerOfThisProcess()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        Assert.That(ListeningSockets.Of(Environment.ProcessId), Does.Contain($"0100007F:{port:X4}"));
    }

    private static string FreePort() => ServerProcess.FreePort().ToString(CultureInfo.InvariantCulture);

    private static async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > until)
            {
                return false;
            }

            await Task.Delay(50);
        }

        return true;
    }

    private static async Task StopGracefullyAsync(ServerProcess server)
    {
        server.Terminate();
        Assert.That(await server.WaitForExitAsync(ExitTimeout), Is.True, "the server did not stop after SIGTERM");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(server.ExitCode, Is.Zero);
            Assert.That(server.Output, Does.Contain("shut down gracefully"));
        }
    }

    private static async Task<string> ExpectAsync(HttpClient client, HttpMethod method, string path, string? json, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(expected), $"{method} {path}: {body}");
        return body;
    }

    private static async Task<Dictionary<string, string>> GetAllAsync(HttpClient client, IEnumerable<string> ids)
    {
        var tasks = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            tasks[id] = await ExpectAsync(client, HttpMethod.Get, $"/v1/topics//tasks/{id}", null, HttpStatusCode.OK);
        }

        return tasks;
    }

    // A valid snapshot written by the engine itself, without starting a server.
    private static async Task WriteSnapshotAsync(string path, int count)
    {
        var engine = CreateEngine(path);
        await engine.OpenAsync(CancellationToken.None);
        var now = DateTime.UtcNow;
        var tasks = Enumerable.Range(0, count)
            .Select(i => new RatusTask { Id = $"task-{i}", Topic = "snapshot", Produced = now, Scheduled = now, Payload = "[1,2,3]"u8.ToArray() })
            .ToArray();
        await engine.InsertTasksAsync(tasks, CancellationToken.None);
        await engine.CloseAsync(CancellationToken.None);
    }

    private static async Task<IReadOnlyList<RatusTask>> ReadSnapshotAsync(string path)
    {
        var engine = CreateEngine(path);
        await engine.OpenAsync(CancellationToken.None);
        return await engine.ListTasksAsync("", 100, 0, CancellationToken.None);
    }

    private static InMemoryTaskRepository CreateEngine(string path) => new(
        Options.Create(new MemDbOptions { SnapshotPath = path }), TimeProvider.System, NullLogger<InMemoryTaskRepository>.Instance);

    private ServerProcess Start(params string[] args)
    {
        var server = ServerProcess.Start(args);
        _servers.Add(server);
        return server;
    }

    private async Task<(ServerProcess Server, HttpClient Client)> StartListeningAsync(params string[] args)
    {
        var port = FreePort();
        var server = Start(["--port", port, "--bind", "127.0.0.1", .. args]);
        Assert.That(await server.WaitForOutputAsync($"start listening on 127.0.0.1:{port}", StartTimeout), Is.True, "the server did not start listening");
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = WaitLimit };
        return (server, client);
    }
}
