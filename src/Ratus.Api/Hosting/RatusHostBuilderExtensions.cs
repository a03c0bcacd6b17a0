using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Ratus.Api.Hosting;

public static class RatusHostBuilderExtensions
{
    // Lowest-priority defaults: quiet per request, one line per entry, whatever the working directory. appsettings.json,
    // environment variables and the command line still override them (--log-format json / LOG_FORMAT=json sets
    // Logging:Console:FormatterName to json: one JSON object per line, for log shippers).
    private static readonly Dictionary<string, string?> LoggingDefaults = new()
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
        // This category only logs each request's start and end (Information); enabled at any level, it also opens a
        // log scope per request that nothing prints (≈ 4 % of a push's allocations).
        ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "None",
        ["Logging:LogLevel:Ratus"] = "Information",
        // The host logs a failed start as an Error with the whole stack; RunRatusAsync logs the reason on one line.
        // A faulted background service is still reported: the host logs that at Critical.
        ["Logging:LogLevel:Microsoft.Extensions.Hosting.Internal.Host"] = "Critical",
        ["Logging:Console:FormatterName"] = "simple",
        ["Logging:Console:FormatterOptions:SingleLine"] = "true",
        ["Logging:Console:FormatterOptions:UseUtcTimestamp"] = "true",
        ["Logging:Console:FormatterOptions:TimestampFormat"] = "yyyy-MM-ddTHH:mm:ss.fffZ ",
    };

    /// Applies the parsed command line, the logging defaults and the HTTP listener settings.
    public static WebApplicationBuilder AddRatusHost(this WebApplicationBuilder builder, StartupArguments startup)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(startup);

        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = LoggingDefaults });
        // Added last, so flags and their environment variables beat appsettings.json and the host's own sources.
        builder.Configuration.AddInMemoryCollection(startup.Settings);

        // The formatters share Logging:Console:FormatterOptions; the simple one's timestamp ends with a separating space
        // that has no place in a JSON value.
        builder.Services.PostConfigure<JsonConsoleFormatterOptions>(o => o.TimestampFormat = o.TimestampFormat?.TrimEnd());

        builder.Services.AddOptions<ServerOptions>().BindConfiguration(ServerOptions.SectionName).ValidateOnStart();
        var openFiles = OpenFileLimit.RaiseToMaximum();
        builder.Services.AddSingleton(openFiles);

        // Planned now rather than when Kestrel reads its options, which happens while the application is built, where
        // a bad port or an unresolvable name is an unhandled exception: here it becomes a one-line start-up failure.
        // The host factory of the tests replaces the server and needs no listener.
        Action<KestrelServerOptions>? listen = null;
        if (!startup.HostedByFactory)
        {
            var server = builder.Configuration.GetSection(ServerOptions.SectionName).Get<ServerOptions>() ?? new ServerOptions();
            if (!TryPlanListeners(server, out listen, out var problem))
            {
                builder.Services.AddSingleton<IServer>(new UnstartableServer(problem));
            }
            else if (listen is null)
            {
                // A chore-only instance: the host runs the engine and background jobs but no HTTP server at all.
                builder.Services.AddSingleton<IServer, NoHttpServer>();
            }
        }

        // A test host that asks for a real Kestrel (WebApplicationFactory.UseKestrel) gets its settings only once the
        // options are read, so its listener is planned then.
        var hostedByFactory = startup.HostedByFactory;
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<ServerOptions>>((kestrel, server) =>
            ConfigureKestrel(kestrel, server.Value, openFiles, hostedByFactory ? PlannedListener(server.Value) : listen));
        return builder;
    }

    private static void ConfigureKestrel(
        KestrelServerOptions kestrel, ServerOptions server, OpenFileLimit openFiles, Action<KestrelServerOptions>? listen)
    {
        kestrel.AddServerHeader = false;
        kestrel.Limits.MaxRequestBodySize = server.MaxBodySize > 0 ? server.MaxBodySize : null;
        // Below the open-files limit, so that a flood of idle connections is refused one by one while the server keeps
        // descriptors to accept (and close) them, and to serve the connections it has.
        var maxConnections = server.MaxConnections ?? openFiles.DefaultMaxConnections;
        kestrel.Limits.MaxConcurrentConnections = maxConnections;
        kestrel.Limits.MaxConcurrentUpgradedConnections = maxConnections;
        listen?.Invoke(kestrel);
    }

    private static Action<KestrelServerOptions>? PlannedListener(ServerOptions server) =>
        TryPlanListeners(server, out var listen, out _) ? listen : null;

    // False (with the reason) when the settings cannot make a listener; true with null when there is none to make.
    private static bool TryPlanListeners(ServerOptions server, out Action<KestrelServerOptions>? listen, out string problem)
    {
        listen = null;
        problem = "";
        var port = server.Port;
        if (port is < IPEndPoint.MinPort or > IPEndPoint.MaxPort)
        {
            problem = $"invalid port {port} (want {IPEndPoint.MinPort} to {IPEndPoint.MaxPort})";
            return false;
        }

        if (server.MaxConnections is < 1)
        {
            problem = $"invalid maximum number of connections {server.MaxConnections} (want at least 1)";
            return false;
        }

        if (port == 0)
        {
            return true;
        }

        var bind = server.Bind.Trim();
        if (bind.Length == 0)
        {
            listen = kestrel => kestrel.ListenAnyIP(port);
        }
        else if (IPAddress.TryParse(bind.Trim('[', ']'), out var address))
        {
            // 0.0.0.0 is any IPv4 address and :: any IPv6 address, as with Go's net.Listen.
            listen = kestrel => kestrel.Listen(address, port);
        }
        else if (string.Equals(bind, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            listen = kestrel => kestrel.ListenLocalhost(port);
        }
        else
        {
            IPAddress[] addresses;
            try
            {
                addresses = Dns.GetHostAddresses(bind);
            }
            catch (Exception exception) when (exception is SocketException or ArgumentException)
            {
                problem = $"cannot listen on {bind}:{port}: {exception.Message}";
                return false;
            }

            if (addresses.Length == 0)
            {
                problem = $"cannot listen on {bind}:{port}: the name has no address";
                return false;
            }

            listen = kestrel =>
            {
                foreach (var resolved in addresses)
                {
                    kestrel.Listen(resolved, port);
                }
            };
        }

        return true;
    }
}
