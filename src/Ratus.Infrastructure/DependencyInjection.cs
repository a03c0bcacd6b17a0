using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MongoDB.Driver;
using Ratus.Application;
using Ratus.Application.Abstractions;
using Ratus.Infrastructure.Chores;
using Ratus.Infrastructure.Hosting;
using Ratus.Infrastructure.InMemory;
using Ratus.Infrastructure.Metrics;
using Ratus.Infrastructure.MongoDb;

namespace Ratus.Infrastructure;

public static class DependencyInjection
{
    public static IServiceCollection AddInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<EngineOptions>().BindConfiguration(EngineOptions.SectionName).ValidateOnStart();
        services.AddOptions<ChoreOptions>().BindConfiguration(ChoreOptions.SectionName).ValidateOnStart();
        services.AddOptions<MemDbOptions>().BindConfiguration(MemDbOptions.SectionName).ValidateOnStart();
        services.AddOptions<MongoDbOptions>().BindConfiguration(MongoDbOptions.SectionName).ValidateOnStart();
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.SectionName).ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        // The engine is chosen when it is first resolved rather than here, so that configuration added after this
        // call (a test's ConfigureAppConfiguration) still selects it. The lifecycle service resolves it at start-up,
        // which turns a bad name into a start-up failure.
        services.TryAddSingleton<InMemoryTaskRepository>();
        services.TryAddSingleton<IMongoClient>(CreateMongoClient);
        services.TryAddSingleton<MongoTaskRepository>();
        services.TryAddSingleton<ITaskRepository>(CreateEngine);

        services.AddHostedService<EngineLifecycleService>();
        services.AddHostedService<ChoreService>();
        services.AddRatusMetrics();
        services.TryAddSingleton<QueueStatisticsSampler>();
        services.AddHostedService(sp => sp.GetRequiredService<QueueStatisticsSampler>());
        return services;
    }

    private static ITaskRepository CreateEngine(IServiceProvider services)
    {
        var name = services.GetRequiredService<IOptions<EngineOptions>>().Value.Name;
        return name.ToLowerInvariant() switch
        {
            EngineOptions.MemDb => services.GetRequiredService<InMemoryTaskRepository>(),
            EngineOptions.MongoDb => services.GetRequiredService<MongoTaskRepository>(),
            _ => throw new InvalidOperationException($"unknown storage engine: {name}"),
        };
    }

    // Connects lazily, without a ping (docs/protocol.md §3.11). Server selection gives up after 5 s unless the URI says otherwise
    // (the driver's default is 30 s): long enough to ride out a quick primary step-down. While the driver knows every
    // server to be down, a request does not wait at all (MongoTaskRepository answers 503 at once).
    private static MongoClient CreateMongoClient(IServiceProvider services)
    {
        var uri = services.GetRequiredService<IOptions<MongoDbOptions>>().Value.Uri;
        var settings = MongoClientSettings.FromConnectionString(uri);
        if (!uri.Contains("serverSelectionTimeoutMS", StringComparison.OrdinalIgnoreCase))
        {
            settings.ServerSelectionTimeout = TimeSpan.FromSeconds(5);
        }

        return new MongoClient(settings);
    }
}
