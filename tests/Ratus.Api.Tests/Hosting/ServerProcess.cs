using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Ratus.Api.Cli;

namespace Ratus.Api.Tests.Hosting;

/// The real `ratus` server, started with `dotnet ratus.dll` from the build output, its output collected line by line.
internal sealed class ServerProcess(ProcessStartInfo startInfo) : ChildProcess(startInfo)
{
    public static string ServerDll
    {
        get
        {
            // The test assembly lives in artifacts/bin/Ratus.Api.Tests/<configuration>/, the server in
            // artifacts/bin/Ratus.Api/<configuration>/ (ArtifactsPath layout).
            var testDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            return Path.Combine(testDirectory.Parent!.Parent!.FullName, "Ratus.Api", testDirectory.Name, "ratus.dll");
        }
    }

    public static ServerProcess Start(params string[] args) => Start(new Dictionary<string, string>(), args);

    /// Starts the server with the given environment variables on top of a cleaned environment (no flag variables
    /// inherited from the machine), e.g. a container image's ENV block.
    public static ServerProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        new(CreateStartInfo(environment, args));

    /// Starts the server under util-linux `prlimit --nofile=limit:limit`, as a container or a systemd unit with that
    /// open-files limit would. prlimit executes the server in its own process, so Id is the server's.
    public static ServerProcess StartWithOpenFileLimit(int limit, params string[] args)
    {
        var startInfo = CreateStartInfo(new Dictionary<string, string>(), args);
        startInfo.ArgumentList.Insert(0, startInfo.FileName);
        startInfo.ArgumentList.Insert(0, $"--nofile={limit}:{limit}");
        startInfo.FileName = "prlimit";
        return new ServerProcess(startInfo);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static ProcessStartInfo CreateStartInfo(IReadOnlyDictionary<string, string> environment, string[] args)
    {
        Assert.That(File.Exists(ServerDll), Is.True, $"server not built at {ServerDll}");
        var startInfo = Dotnet(ServerDll, Path.GetTempPath(), args);

        // Only the arguments configure the server under test, not whatever the machine has set.
        foreach (var flag in Flags.All)
        {
            startInfo.Environment.Remove(flag.EnvironmentVariable);
        }

        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        return startInfo;
    }
}
