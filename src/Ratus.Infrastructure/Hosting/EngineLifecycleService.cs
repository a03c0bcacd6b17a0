using Microsoft.Extensions.Hosting;
using Ratus.Application.Abstractions;

namespace Ratus.Infrastructure.Hosting;

/// Opens the storage engine before anything else starts and closes it after everything else has stopped.
// IHostedLifecycleService rather than registration order: StartingAsync runs before every hosted service's StartAsync
// and StoppedAsync after every StopAsync, whatever the order of registration. So the engine is open (a corrupt
// snapshot fails start-up) before Kestrel accepts a request or the chore runs, and it is closed (memdb writes its
// final snapshot) only after the HTTP server has drained its requests and the chore loop has stopped.
internal sealed class EngineLifecycleService(ITaskRepository repository) : IHostedLifecycleService
{
    private const int Closed = 0;
    private const int Open = 1;

    private int _state = Closed;

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await repository.OpenAsync(cancellationToken);
        Volatile.Write(ref _state, Open);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        // A host can be asked to stop more than once (WebApplicationFactory does); close exactly once.
        if (Interlocked.Exchange(ref _state, Closed) == Open)
        {
            await repository.CloseAsync(cancellationToken);
        }
    }
}
