using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Ratus.Infrastructure.Tests.Support;

/// The CongoDB test server (tools/congo) on a port the test chose, to bring "MongoDB" up where the test first found
/// nothing listening. Killed on dispose.
public sealed class CongoServer : IDisposable
{
    private readonly Process _process;

    private CongoServer(Process process) => _process = process;

    /// A loopback port that nothing listens on: the system hands it out and it is closed again at once.
    public static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// Starts CongoDB on <paramref name="port"/>, or ignores the calling test when <see cref="MongoEnv.CongoVariable"/>
    /// does not name its script.
    public static async Task<CongoServer> StartAsync(int port)
    {
        var script = Environment.GetEnvironmentVariable(MongoEnv.CongoVariable);
        if (string.IsNullOrEmpty(script) || !File.Exists(script))
        {
            Assert.Ignore($"Bringing MongoDB up on a chosen port needs the CongoDB test server ({MongoEnv.CongoVariable})");
        }

        var process = Process.Start(new ProcessStartInfo("node", [script!, port.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(script!))!,
        })!;
        var server = new CongoServer(process);
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (line is null || !line.StartsWith("LISTENING", StringComparison.Ordinal))
        {
            server.Dispose();
            Assert.Fail($"CongoDB did not start on port {port} (first line: {line ?? "<none>"})");
        }

        // Keep draining stdout so the child never blocks on a full pipe.
        _ = process.StandardOutput.ReadToEndAsync();
        return server;
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
}
