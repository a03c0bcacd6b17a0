using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;

namespace Ratus.Api.Hosting;

/// Stands in for Kestrel when its endpoints cannot be set up (a port out of range in appsettings.json, a bind name
/// that does not resolve): Kestrel reads its options when the application is built, where a failure is an unhandled
/// exception, so the failure is deferred to the start, which logs it on one line and exits with code 1.
internal sealed class UnstartableServer(string reason) : IServer
{
    public IFeatureCollection Features { get; } = new FeatureCollection();

    public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
        where TContext : notnull => throw new InvalidOperationException(reason);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
    }
}
