using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Ratus.Application.Abstractions;
using Ratus.Infrastructure.Chores;
using Ratus.Infrastructure.Tests.Fakes;

namespace Ratus.Infrastructure.Tests.Hosting;

public sealed class EngineLifecycleServiceTests
{
    [Test]
    public async Task Host_StartAndStop_OpensBeforeOtherServicesAndClosesAfterThemOnce()
    {
        var repository = new CountingTaskRepository();
        var probe = new OrderProbe(repository);
        using var host = BuildHost(repository, services => services.AddHostedService(_ => probe));

        await host.StartAsync();
        Assert.Multiple(() =>
        {
            Assert.That(repository.Opened, Is.EqualTo(1));
            Assert.That(probe.OpenedWhenStarted, Is.EqualTo(1));
        });

        await host.StopAsync();
        await host.StopAsync();
        Assert.Multiple(() =>
        {
            Assert.That(probe.ClosedWhenStopped, Is.Zero);
            Assert.That(repository.Closed, Is.EqualTo(1));
        });
    }

    [Test]
    public void Host_OpenFails_StartFailsWithTheEngineError()
    {
        var repository = new CountingTaskRepository { OpenFailure = new InvalidDataException("corrupt snapshot") };
        using var host = BuildHost(repository);

        var exception = Assert.ThrowsAsync<InvalidDataException>(() => host.StartAsync());

        Assert.Multiple(() =>
        {
            Assert.That(exception!.Message, Is.EqualTo("corrupt snapshot"));
            Assert.That(repository.Chores, Is.Zero);
        });
    }

    private static IHost BuildHost(CountingTaskRepository repository, Action<IServiceCollection>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        configure?.Invoke(builder.Services);
        builder.Services.AddInfrastructure(builder.Configuration);
        builder.Services.AddSingleton<ITaskRepository>(repository);
        builder.Services.Configure<ChoreOptions>(options => options.Interval = TimeSpan.Zero);
        return builder.Build();
    }

    // Registered before the engine's own service, so only the lifecycle hooks can put the engine around it.
    private sealed class OrderProbe(CountingTaskRepository repository) : IHostedService
    {
        public int OpenedWhenStarted { get; private set; } = -1;

        public int ClosedWhenStopped { get; private set; } = -1;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            OpenedWhenStarted = repository.Opened;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            if (ClosedWhenStopped < 0)
            {
                ClosedWhenStopped = repository.Closed;
            }

            return Task.CompletedTask;
        }
    }
}
