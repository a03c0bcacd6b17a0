using System.Reflection;
using Ratus.Api.Cli;

namespace Ratus.Api.Hosting;

/// What Program needs from its arguments: the options to create the builder with and the settings parsed from the
/// `ratus` command line and environment.
public sealed record StartupArguments(
    WebApplicationOptions WebApplicationOptions,
    IReadOnlyDictionary<string, string?> Settings,
    bool HostedByFactory)
{
    private static readonly string[] HostSettingKeys = ["applicationName", "contentRoot", "environment"];

    /// Parses the process arguments; false (with the exit code) when the process should not run the server, after
    /// printing usage, version or the error.
    public static bool TryParse(string[] args, out StartupArguments startup, out int exitCode)
    {
        exitCode = 0;
        if (IsHostFactoryInvocation(args, Assembly.GetEntryAssembly()))
        {
            startup = new(new WebApplicationOptions { Args = args }, new Dictionary<string, string?>(), HostedByFactory: true);
            return true;
        }

        var result = RatusCommandLine.Parse(args, Environment.GetEnvironmentVariable);
        if (RatusCommandLine.Report(result, Console.Out, Console.Error) is { } code)
        {
            startup = null!;
            exitCode = code;
            return false;
        }

        // The content root is the app's own directory so that appsettings.json is found, and the defaults hold,
        // whatever directory the server is started from.
        var options = new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory };
        startup = new(options, result.Configuration, HostedByFactory: false);
        return true;
    }

    /// WebApplicationFactory (through HostFactoryResolver) runs Program's entry point inside the test host and passes
    /// its host configuration as `--key=value` arguments: always `--applicationName=`, `--environment=` and
    /// `--contentRoot=`, plus every setting a test applies with UseSetting (e.g. `--Engine:Name=memdb`). Those are
    /// configuration for the host, not `ratus` flags. They are let through only when this assembly is not the
    /// process's entry assembly and the host keys are present; `dotnet ratus.dll` always goes through the strict
    /// command line, so unknown flags are rejected there.
    internal static bool IsHostFactoryInvocation(IReadOnlyList<string> args, Assembly? entryAssembly)
    {
        if (entryAssembly == typeof(StartupArguments).Assembly)
        {
            return false;
        }

        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var arg in args)
        {
            var separator = arg.IndexOf('=', StringComparison.Ordinal);
            if (!arg.StartsWith("--", StringComparison.Ordinal) || separator <= 2)
            {
                return false;
            }

            keys.Add(arg[2..separator]);
        }

        return HostSettingKeys.All(keys.Contains);
    }
}
