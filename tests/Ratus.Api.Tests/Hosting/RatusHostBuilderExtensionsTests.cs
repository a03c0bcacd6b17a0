using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ratus.Api.Hosting;

namespace Ratus.Api.Tests.Hosting;

public sealed class RatusHostBuilderExtensionsTests
{
    [Test]
    public async Task AddRatusHost_MaxBodySize_BecomesKestrelsLimit()
    {
        await using var app = Build(new() { ["Server:MaxBodySize"] = "2048", ["Server:Port"] = "8080" });

        var kestrel = app.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value;

        Assert.That(kestrel.Limits.MaxRequestBodySize, Is.EqualTo(2048));
    }

    [Test]
    public async Task AddRatusHost_MaxConnections_BecomesKestrelsConnectionLimits()
    {
        await using var app = Build(new() { ["Server:MaxConnections"] = "50", ["Server:Port"] = "8080" });

        var limits = app.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;

        Assert.That((limits.MaxConcurrentConnections, limits.MaxConcurrentUpgradedConnections), Is.EqualTo(((long?)50, (long?)50)));
    }

    [Test]
    public async Task AddRatusHost_NoMaxConnections_DerivesThemFromTheOpenFileLimit()
    {
        await using var app = Build(new() { ["Server:Port"] = "8080" });

        var openFiles = app.Services.GetRequiredService<OpenFileLimit>();
        var limits = app.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;
        Assert.Multiple(() =>
        {
            Assert.That(limits.MaxConcurrentConnections, Is.EqualTo(openFiles.DefaultMaxConnections));
            Assert.That(limits.MaxConcurrentUpgradedConnections, Is.EqualTo(openFiles.DefaultMaxConnections));
        });
        if (OperatingSystem.IsLinux())
        {
            Assert.That(limits.MaxConcurrentConnections, Is.Not.Null.And.LessThan(openFiles.Current!.Value));
        }
    }

    // Kestrel reads its options while the application is built, where these used to be unhandled exceptions (a stack
    // trace and exit code 134) or, for a negative port, an instance that silently served nothing.
    [TestCase("Server:Port", "99999", "invalid port 99999 (want 0 to 65535)")]
    [TestCase("Server:Port", "-1", "invalid port -1 (want 0 to 65535)")]
    [TestCase("Server:MaxConnections", "0", "invalid maximum number of connections 0 (want at least 1)")]
    [TestCase("Server:Bind", "no-such-host.invalid", "cannot listen on no-such-host.invalid:8080: ")]
    public async Task AddRatusHost_SettingsThatCannotListen_FailTheStartNotTheBuild(string key, string value, string reason)
    {
        await using var app = Build(new() { ["Server:Port"] = "8080", [key] = value });

        Assert.That(app.Services.GetRequiredService<IServer>(), Is.InstanceOf<UnstartableServer>());
        var failure = Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());
        Assert.That(failure!.Message, Does.StartWith(reason));
    }

    [Test]
    public async Task AddRatusHost_PortZero_RunsNoHttpServer()
    {
        await using var app = Build(new() { ["Server:Port"] = "0" });

        Assert.That(app.Services.GetRequiredService<IServer>(), Is.InstanceOf<NoHttpServer>());
    }

    [Test]
    public async Task AddRatusHost_Defaults_QuietPerRequestLogging()
    {
        await using var app = Build([]);

        var loggers = app.Services.GetRequiredService<ILoggerFactory>();
        Assert.Multiple(() =>
        {
            // Off entirely: enabled at any level, hosting opens a log scope per request.
            Assert.That(loggers.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics").IsEnabled(LogLevel.Critical), Is.False);
            // Kestrel still reports what goes wrong with a connection or an unhandled exception.
            Assert.That(loggers.CreateLogger("Microsoft.AspNetCore.Server.Kestrel").IsEnabled(LogLevel.Information), Is.False);
            Assert.That(loggers.CreateLogger("Microsoft.AspNetCore.Server.Kestrel").IsEnabled(LogLevel.Warning), Is.True);
            Assert.That(loggers.CreateLogger("Ratus.Api").IsEnabled(LogLevel.Information), Is.True);
        });
    }

    [Test]
    public async Task AddRatusHost_CommandLineSettings_BeatOtherConfiguration()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Server:Port"] = "9000" });
        builder.AddRatusHost(new StartupArguments(new WebApplicationOptions(), new Dictionary<string, string?> { ["Server:Port"] = "8000" }, false));
        await using var app = builder.Build();

        Assert.That(app.Services.GetRequiredService<IOptions<ServerOptions>>().Value.Port, Is.EqualTo(8000));
    }

    private static WebApplication Build(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.AddRatusHost(new StartupArguments(new WebApplicationOptions(), settings, HostedByFactory: false));
        return builder.Build();
    }
}
