using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Ratus.Api.Cli;
using Ratus.Infrastructure;
using Ratus.Infrastructure.Chores;

namespace Ratus.Api.Hosting;

public static partial class RatusHostRunner
{
    /// Starts the host, waits for SIGINT/SIGTERM and stops it gracefully; returns the process exit code:
    /// 0 after a graceful stop, 1 when start-up or shutdown fails.
    public static async Task<int> RunRatusAsync(this WebApplication app, StartupArguments startup)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(startup);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Ratus.Api");

        // Like the original, a start-up error is one log line (the reason) and exit status 1; the exception type and
        // stack add nothing for an operator facing "unknown storage engine: foo" or a corrupt snapshot.
        try
        {
            await app.StartAsync();
        }
        catch (Exception exception) when (exception is not HostAbortedException)
        {
            LogStartupFailed(logger, Describe(exception));
            return 1;
        }

        var server = app.Services.GetRequiredService<IOptions<ServerOptions>>().Value;
        if (server.Port > 0 && !startup.HostedByFactory)
        {
            var engine = app.Services.GetRequiredService<IOptions<EngineOptions>>().Value.Name.ToLowerInvariant();
            LogListening(logger, FormatEndpoint(server.Bind, server.Port), engine, server.Bind, server.Port, RatusCommandLine.Version);
            var openFiles = app.Services.GetRequiredService<OpenFileLimit>();
            var kestrel = app.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value;
            LogConnectionLimit(logger, FormatLimit(kestrel.Limits.MaxConcurrentConnections), FormatLimit(openFiles.Current), FormatLimit(openFiles.Maximum));
        }

        if (app.Services.GetRequiredService<IOptions<ChoreOptions>>().Value.Interval > TimeSpan.Zero)
        {
            LogBackgroundJobs(logger);
        }

        try
        {
            await app.WaitForShutdownAsync();
        }
        catch (Exception exception)
        {
            LogShutdownFailed(logger, Describe(exception));
            return 1;
        }

        LogShutDown(logger);
        return 0;
    }

    private static string Describe(Exception exception) => exception switch
    {
        AggregateException { InnerExceptions.Count: 1 } aggregate => Describe(aggregate.InnerExceptions[0]),
        AggregateException aggregate => string.Join("; ", aggregate.InnerExceptions.Select(Describe)),
        _ => exception.Message,
    };

    private static string FormatEndpoint(string bind, int port) =>
        IPAddress.TryParse(bind, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6
            ? $"[{bind}]:{port}"
            : $"{bind}:{port}";

    private static string FormatLimit(long? limit) => limit?.ToString(CultureInfo.InvariantCulture) ?? "unlimited";

    // The original's line comes first (scripts wait for "start listening on <bind>:<port>"); the rest is structured.
    [LoggerMessage(Level = LogLevel.Information, Message = "start listening on {Endpoint} (engine {Engine}, bind {Bind}, port {Port}, version {Version})")]
    private static partial void LogListening(ILogger logger, string endpoint, string engine, string bind, int port, string version);

    [LoggerMessage(Level = LogLevel.Information, Message = "serving at most {MaxConnections} connections (open files limit {OpenFiles}, hard limit {OpenFilesMaximum})")]
    private static partial void LogConnectionLimit(ILogger logger, string maxConnections, string openFiles, string openFilesMaximum);

    [LoggerMessage(Level = LogLevel.Information, Message = "start running background jobs")]
    private static partial void LogBackgroundJobs(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "shut down gracefully")]
    private static partial void LogShutDown(ILogger logger);

    [LoggerMessage(Level = LogLevel.Critical, Message = "{Reason}")]
    private static partial void LogStartupFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "shutdown failed: {Reason}")]
    private static partial void LogShutdownFailed(ILogger logger, string reason);
}
