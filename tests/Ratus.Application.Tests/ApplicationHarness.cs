using System.Globalization;
using Mediator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Ratus.Application.Abstractions;
using Ratus.Application.Common;
using Ratus.Infrastructure.InMemory;

namespace Ratus.Application.Tests;

// The application layer as the API drives it: the generated mediator with its behaviours, over the memdb engine
// and a fake clock.
public sealed class ApplicationHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public ApplicationHarness(PaginationOptions? pagination = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Pagination:MaxLimit"] = pagination?.MaxLimit.ToString(CultureInfo.InvariantCulture),
                ["Pagination:MaxOffset"] = pagination?.MaxOffset.ToString(CultureInfo.InvariantCulture),
            })
            .Build());
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton<ITaskRepository>(sp => new InMemoryTaskRepository(
            Options.Create(new MemDbOptions()), Time, NullLogger<InMemoryTaskRepository>.Instance));
        services.AddApplication();
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        Sender = _services.GetRequiredService<ISender>();
        Repository = _services.GetRequiredService<ITaskRepository>();
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

    public DateTime Now => Time.GetUtcNow().UtcDateTime;

    public ISender Sender { get; }

    public ITaskRepository Repository { get; }

    public async Task OpenAsync() => await Repository.OpenAsync(CancellationToken.None);

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
