using System.ComponentModel;
using System.Diagnostics;
using System.Net.Sockets;
using MongoDB.Driver;
using Testcontainers.MongoDb;

namespace Ratus.Infrastructure.Tests.Support;

/// Where the MongoDB tests get a server, in this order: <c>RATUS_TEST_MONGODB_URI</c>; a Testcontainers.MongoDb
/// container when a Docker engine answers; the CongoDB test server (<c>tools/congo</c>, a MongoDB-wire server in
/// node) named by <c>RATUS_TEST_CONGO_SCRIPT</c>, started once per test process and killed at exit. With none of
/// them, <see cref="Require"/> ignores the test with the reason.
public static class MongoEnv
{
    public const string UriVariable = "RATUS_TEST_MONGODB_URI";
    public const string CongoVariable = "RATUS_TEST_CONGO_SCRIPT";

    private static readonly Lazy<Server> Resolved = new(Resolve, LazyThreadSafetyMode.ExecutionAndPublication);

    /// The kind of server the tests run against: <c>mongodb</c> (URI or container), <c>congodb</c>, or null.
    public static string? Kind => Resolved.Value.Kind;

    public static bool IsCongo => Resolved.Value.Kind == "congodb";

    /// The connection string of the test server, or <see cref="Assert.Ignore(string)"/> with the reason there is none.
    /// A server that was named but does not start fails the test instead: skipping would hide a broken setup.
    public static string Require()
    {
        var server = Resolved.Value;
        if (server.Uri is null)
        {
            if (server.Broken)
            {
                Assert.Fail(server.Reason);
            }

            Assert.Ignore(server.Reason);
        }

        return server.Uri!;
    }

    /// Ignores the calling test on CongoDB, which lacks <paramref name="feature"/>.
    public static void IgnoreOnCongo(string feature)
    {
        if (IsCongo)
        {
            Assert.Ignore($"CongoDB (the test server of tools/congo) lacks {feature}; run against a real server with {UriVariable}");
        }
    }

    public static MongoClient CreateClient(string uri)
    {
        var settings = MongoClientSettings.FromConnectionString(uri);
        settings.ServerSelectionTimeout = TimeSpan.FromSeconds(5);
        return new MongoClient(settings);
    }

    /// A fresh database name for one test: at most 64 characters, nothing MongoDB forbids.
    public static string NewDatabaseName() => $"ratus_test_{Guid.NewGuid():N}";

    private static Server Resolve()
    {
        if (Environment.GetEnvironmentVariable(UriVariable) is { Length: > 0 } uri)
        {
            return new Server(uri, "mongodb", "");
        }

        var docker = TryContainer(out var dockerReason);
        if (docker is not null)
        {
            return docker;
        }

        var script = Environment.GetEnvironmentVariable(CongoVariable);
        if (string.IsNullOrEmpty(script) || !File.Exists(script))
        {
            return new Server(null, null,
                $"No MongoDB server for the tests: {UriVariable} is not set, {dockerReason}, and {CongoVariable} does not name the CongoDB script (run `cd tools/congo && npm ci` and set it, as .ci/run does)");
        }

        return StartCongo(script);
    }

    private static Server? TryContainer(out string reason)
    {
        var socket = Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host : "unix:///var/run/docker.sock";
        if (socket.StartsWith("unix://", StringComparison.Ordinal) && !File.Exists(socket["unix://".Length..]))
        {
            reason = $"no Docker engine answers at {socket}";
            return null;
        }

        try
        {
            var container = new MongoDbBuilder("mongo:8.0").Build();
            container.StartAsync().GetAwaiter().GetResult();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => container.DisposeAsync().AsTask().GetAwaiter().GetResult();
            reason = "";
            return new Server(container.GetConnectionString(), "mongodb", "");
        }
        catch (Exception exception)
        {
            reason = $"Docker is unavailable ({exception.GetType().Name})";
            return null;
        }
    }

    private static Server StartCongo(string script)
    {
        var start = new ProcessStartInfo("node", [script, "0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(script))!,
        };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception exception)
        {
            return new Server(null, null, $"Cannot start the CongoDB test server named by {CongoVariable}: node is missing ({exception.Message})", Broken: true);
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => Kill(process);
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var line = process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        if (line is null || !line.StartsWith("LISTENING ", StringComparison.Ordinal)
                         || !int.TryParse(line["LISTENING ".Length..], out var port))
        {
            Kill(process);
            return new Server(null, null, $"The CongoDB test server named by {CongoVariable} did not start (first line: {line ?? "<none>"}; run `cd tools/congo && npm ci`)", Broken: true);
        }

        // Keep draining stdout so the child never blocks on a full pipe.
        _ = process.StandardOutput.ReadToEndAsync();
        WaitForPort(port);
        return new Server($"mongodb://127.0.0.1:{port}/?directConnection=true", "congodb", "");
    }

    private static void WaitForPort(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect("127.0.0.1", port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(100);
            }
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(2000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private sealed record Server(string? Uri, string? Kind, string Reason, bool Broken = false);
}
