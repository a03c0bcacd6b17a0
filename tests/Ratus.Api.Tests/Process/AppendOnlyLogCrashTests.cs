using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using NUnit.Framework.Interfaces;
using Ratus.Api.Tests.Hosting;

namespace Ratus.Api.Tests.Process;

/// The real server with `--memdb-aof-fsync always`, killed with SIGKILL under concurrent producers and consumers:
/// after a restart every acknowledged insert, claim and commit is there with its exact state and payload.
[NonParallelizable]
[Platform(Include = "Linux,MacOsX", Reason = "kills the server with SIGKILL")]
public sealed class AppendOnlyLogCrashTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly List<ServerProcess> _servers = [];
    private string _directory = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), $"ratus-aof-crash-{Guid.NewGuid():N}");
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
        Directory.Delete(_directory, recursive: true);
    }

    // The 1.1 s kill runs with a 64 KiB log limit, so compactions (rotation plus snapshot) happen all through the load.
    [TestCase(400, 64 << 20)]
    [TestCase(1100, 64 << 10)]
    [TestCase(2000, 64 << 20)]
    public async Task SigKill_UnderLoad_KeepsEveryAcknowledgedChange(int killAfterMilliseconds, int maxLogSize)
    {
        var aof = Path.Combine(_directory, "ratus.aof");
        string[] flags = ["--memdb-aof-path", aof, "--memdb-aof-fsync", "always", "--chore-interval", "0",
            "--memdb-aof-max-size", maxLogSize.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        var (first, client) = await StartListeningAsync(flags);
        var inserted = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var claimed = new ConcurrentDictionary<string, (string Nonce, string Consumer)>(StringComparer.Ordinal);
        var committed = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);

        using (client)
        using (var stop = new CancellationTokenSource())
        {
            var producers = Enumerable.Range(0, 3).Select(p => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var id = $"p{p}-{i}";
                    var payload = $$"""{"id":"{{id}}","n":{{i}},"s":"é<&>"}""";
                    var response = await TryAsync(client, HttpMethod.Post, $"/v1/topics/crash/tasks/{id}", $$"""{"payload":{{payload}}}""", stop.Token);
                    if (response is null)
                    {
                        return;
                    }

                    if (response.Value.Status == HttpStatusCode.Created)
                    {
                        inserted[id] = JsonNode.Parse(payload)!.ToJsonString();
                    }
                }
            })).ToArray();
            var consumers = Enumerable.Range(0, 2).Select(c => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var consumer = $"c{c}";
                    var claim = await TryAsync(client, HttpMethod.Post, "/v1/topics/crash/promises", $$"""{"consumer":"{{consumer}}","timeout":"1h"}""", stop.Token);
                    if (claim is null)
                    {
                        return;
                    }

                    if (claim.Value.Status != HttpStatusCode.OK)
                    {
                        continue;
                    }

                    var task = JsonNode.Parse(claim.Value.Body)!;
                    var id = (string)task["_id"]!;
                    var nonce = (string)task["nonce"]!;
                    claimed[id] = (nonce, consumer);
                    if (i % 2 == 0)
                    {
                        // Every other claim stays active, so the restart must keep its nonce.
                        continue;
                    }

                    var result = $$"""{"done":"{{id}}"}""";
                    var commit = await TryAsync(client, HttpMethod.Patch, $"/v1/topics/crash/tasks/{id}", $$"""{"nonce":"{{nonce}}","payload":{{result}}}""", stop.Token);
                    if (commit is null)
                    {
                        return;
                    }

                    Assert.That(commit.Value.Status, Is.EqualTo(HttpStatusCode.OK), commit.Value.Body);
                    committed[id] = JsonNode.Parse(result)!.ToJsonString();
                }
            })).ToArray();

            // Measured from the first acknowledgement, so a slow start on a busy machine still kills under load.
            var started = DateTime.UtcNow;
            while (inserted.IsEmpty && DateTime.UtcNow - started < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(10);
            }

            await Task.Delay(killAfterMilliseconds);
            first.KillHard();
            await stop.CancelAsync();
            await Task.WhenAll([.. producers, .. consumers]);
        }

        Assert.That(inserted, Is.Not.Empty, "nothing was acknowledged before the kill");
        var (second, restarted) = await StartListeningAsync(flags);
        using (restarted)
        {
            var all = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
            for (var offset = 0; ; offset += 100)
            {
                var page = await restarted.GetStringAsync(new Uri($"/v1/topics/crash/tasks?limit=100&offset={offset}", UriKind.Relative));
                var tasks = JsonNode.Parse(page)!["data"]!.AsArray();
                foreach (var task in tasks)
                {
                    all[(string)task!["_id"]!] = task;
                }

                if (tasks.Count < 100)
                {
                    break;
                }
            }

            using (Assert.EnterMultipleScope())
            {
                foreach (var (id, payload) in inserted)
                {
                    Assert.That(all.ContainsKey(id), Is.True, $"acknowledged insert {id} lost");
                    if (all.TryGetValue(id, out var task) && !committed.ContainsKey(id) && (int)task["state"]! != 2)
                    {
                        Assert.That(task["payload"]!.ToJsonString(), Is.EqualTo(payload), $"payload of {id}");
                    }
                }

                foreach (var (id, (nonce, consumer)) in claimed)
                {
                    var task = all[id];
                    var state = (int)task["state"]!;
                    Assert.That((string?)task["consumer"], Is.EqualTo(consumer), $"consumer of {id}");
                    if (committed.TryGetValue(id, out var result))
                    {
                        Assert.That(state, Is.EqualTo(2), $"acknowledged commit of {id}");
                        Assert.That(task["payload"]!.ToJsonString(), Is.EqualTo(result), $"committed payload of {id}");
                    }
                    else if (state == 1)
                    {
                        Assert.That((string?)task["nonce"], Is.EqualTo(nonce), $"nonce of the active {id}");
                    }
                    else
                    {
                        // A commit that was in flight at the kill may have landed; nothing else may have changed it.
                        Assert.That(state, Is.EqualTo(2), $"acknowledged claim of {id} went back to pending");
                    }
                }

                // Nothing half-applied: every task has the whole payload its producer sent (or its whole commit).
                foreach (var (id, task) in all)
                {
                    var payload = task["payload"]!.ToJsonString();
                    Assert.That(payload, Does.Contain($"\"{id}\""), $"payload of {id}");
                }
            }

            TestContext.Out.WriteLine($"kill after {killAfterMilliseconds} ms (log limit {maxLogSize} bytes, snapshot {File.Exists(aof + ".snapshot")}): {inserted.Count} inserts, {claimed.Count} claims, {committed.Count} commits acknowledged; {all.Count} tasks after restart");

            // The restarted server keeps logging: the old nonces still commit.
            var active = claimed.FirstOrDefault(c => !committed.ContainsKey(c.Key) && (int)all[c.Key]["state"]! == 1);
            if (active.Key is not null)
            {
                using var content = new StringContent($$"""{"nonce":"{{active.Value.Nonce}}"}""", Encoding.UTF8, "application/json");
                using var response = await restarted.PatchAsync(new Uri($"/v1/topics/crash/tasks/{active.Key}", UriKind.Relative), content);
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            }
        }

        second.KillHard();
    }

    [Test]
    public async Task Start_WithLogCorruptInTheMiddle_ExitsWithOneNamingFileAndOffset_UnlessRepair()
    {
        var aof = Path.Combine(_directory, "ratus.aof");
        string[] flags = ["--memdb-aof-path", aof, "--memdb-aof-fsync", "always", "--chore-interval", "0"];
        var (first, client) = await StartListeningAsync(flags);
        using (client)
        {
            for (var i = 0; i < 5; i++)
            {
                using var content = new StringContent("{}", Encoding.UTF8, "application/json");
                using var response = await client.PostAsync(new Uri($"/v1/topics/t/tasks/t{i}", UriKind.Relative), content);
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            }
        }

        first.KillHard();
        var bytes = await File.ReadAllBytesAsync(aof);
        bytes[20 + 8 + 3] ^= 0xFF; // inside the first record
        await File.WriteAllBytesAsync(aof, bytes);

        var refused = ServerProcess.Start(["--port", "0", .. flags]);
        _servers.Add(refused);
        Assert.That(await refused.WaitForExitAsync(StartTimeout), Is.True, "the server did not exit");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(refused.ExitCode, Is.EqualTo(1));
            Assert.That(refused.Output, Does.Contain(aof).And.Contain("offset 20"));
        }

        var (repaired, repairedClient) = await StartListeningAsync([.. flags, "--memdb-aof-repair"]);
        using (repairedClient)
        {
            var page = await repairedClient.GetStringAsync(new Uri("/v1/topics/t/tasks", UriKind.Relative));
            Assert.That(JsonNode.Parse(page)!["data"]!.AsArray(), Is.Empty);
        }

        repaired.KillHard();
    }

    private static async Task<(HttpStatusCode Status, string Body)?> TryAsync(
        HttpClient client, HttpMethod method, string path, string json, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative))
            {
                Content = new StringContent(json, Encoding.UTF8, "application/json"),
            };
            using var response = await client.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return (response.StatusCode, body);
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or IOException)
        {
            // The server was killed: this request is not acknowledged.
            return null;
        }
    }

    private async Task<(ServerProcess Server, HttpClient Client)> StartListeningAsync(params string[] args)
    {
        var port = ServerProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var server = ServerProcess.Start(["--port", port, "--bind", "127.0.0.1", .. args]);
        _servers.Add(server);
        Assert.That(await server.WaitForOutputAsync($"start listening on 127.0.0.1:{port}", StartTimeout), Is.True, "the server did not start listening");
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = StartTimeout };
        return (server, client);
    }
}
