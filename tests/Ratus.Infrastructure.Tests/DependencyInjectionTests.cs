using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Ratus.Application.Abstractions;
using Ratus.Infrastructure.Chores;
using Ratus.Infrastructure.InMemory;
using Ratus.Infrastructure.Metrics;
using Ratus.Infrastructure.MongoDb;

namespace Ratus.Infrastructure.Tests;

public sealed class DependencyInjectionTests
{
    [TestCase("memdb")]
    [TestCase("MemDB")]
    [TestCase("MEMDB")]
    public void AddInfrastructure_MemDb_ResolvesTheInMemoryEngineAsASingleton(string name)
    {
        using var provider = Build(new() { ["Engine:Name"] = name });

        var engine = provider.GetRequiredService<ITaskRepository>();

        Assert.Multiple(() =>
        {
            Assert.That(engine, Is.InstanceOf<InMemoryTaskRepository>());
            Assert.That(provider.GetRequiredService<InMemoryTaskRepository>(), Is.SameAs(engine));
            Assert.That(provider.GetRequiredService<ITaskRepository>(), Is.SameAs(engine));
        });
    }

    [Test]
    public void AddInfrastructure_NoEngineConfigured_DefaultsToMemDb()
    {
        using var provider = Build([]);

        Assert.That(provider.GetRequiredService<ITaskRepository>(), Is.InstanceOf<InMemoryTaskRepository>());
    }

    [TestCase("mongodb")]
    [TestCase("MongoDB")]
    public void AddInfrastructure_MongoDb_ResolvesTheMongoEngineWithoutConnecting(string name)
    {
        // Nothing listens on port 1: resolving must not connect (the engine connects lazily, docs/protocol.md §3.11).
        using var provider = Build(new() { ["Engine:Name"] = name, ["MongoDb:Uri"] = "mongodb://127.0.0.1:1" });

        var engine = provider.GetRequiredService<ITaskRepository>();

        Assert.Multiple(() =>
        {
            Assert.That(engine, Is.InstanceOf<MongoTaskRepository>());
            Assert.That(provider.GetRequiredService<ITaskRepository>(), Is.SameAs(engine));
        });
    }

    [Test]
    public void AddInfrastructure_UnknownEngine_FailsWithUnknownStorageEngine()
    {
        using var provider = Build(new() { ["Engine:Name"] = "foo" });

        var exception = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<ITaskRepository>());
        Assert.That(exception!.Message, Is.EqualTo("unknown storage engine: foo"));
    }

    [Test]
    public void AddInfrastructure_Options_BindFromTheirSections()
    {
        using var provider = Build(new()
        {
            ["Chore:Interval"] = TimeSpan.FromMinutes(3).ToString("c"),
            ["Chore:InitialDelay"] = TimeSpan.FromMilliseconds(3500).ToString("c"),
            ["Chore:InitialRandom"] = "true",
            ["MemDb:SnapshotPath"] = "test.db",
            ["MemDb:RetentionPeriod"] = TimeSpan.FromHours(24).ToString("c"),
            ["MongoDb:Uri"] = "mongodb://user:pass@127.0.0.1:27017/?readPreference=nearest",
            ["MongoDb:DisableIndexCreation"] = "true",
        });

        var chore = provider.GetRequiredService<IOptions<ChoreOptions>>().Value;
        var memDb = provider.GetRequiredService<IOptions<MemDbOptions>>().Value;
        var mongoDb = provider.GetRequiredService<IOptions<MongoDbOptions>>().Value;
        Assert.Multiple(() =>
        {
            Assert.That(chore.Interval, Is.EqualTo(TimeSpan.FromMinutes(3)));
            Assert.That(chore.InitialDelay, Is.EqualTo(TimeSpan.FromMilliseconds(3500)));
            Assert.That(chore.InitialRandom, Is.True);
            Assert.That(chore.RecoveryInterval, Is.EqualTo(TimeSpan.FromMilliseconds(500)));
            Assert.That(memDb.SnapshotPath, Is.EqualTo("test.db"));
            Assert.That(memDb.SnapshotInterval, Is.EqualTo(TimeSpan.FromMinutes(5)));
            Assert.That(memDb.RetentionPeriod, Is.EqualTo(TimeSpan.FromHours(24)));
            Assert.That(mongoDb.Uri, Is.EqualTo("mongodb://user:pass@127.0.0.1:27017/?readPreference=nearest"));
            Assert.That(mongoDb.DisableIndexCreation, Is.True);
            Assert.That(mongoDb.Collection, Is.EqualTo("tasks"));
        });
    }

    [Test]
    public void AddInfrastructure_TimeProvider_DefaultsToSystemButKeepsAnEarlierRegistration()
    {
        var fake = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var services = new ServiceCollection().AddSingleton<TimeProvider>(fake);

        using var provider = Build([], services);

        Assert.That(provider.GetRequiredService<TimeProvider>(), Is.SameAs(fake));
    }

    [Test]
    public void AddInfrastructure_HostedServices_EngineLifecycleChoreAndStatisticsSamplerAreRegistered()
    {
        using var provider = Build([]);

        var hosted = provider.GetServices<IHostedService>().Select(service => service.GetType().Name);

        Assert.That(hosted, Is.EquivalentTo(new[] { "EngineLifecycleService", nameof(ChoreService), nameof(QueueStatisticsSampler) }));
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings, IServiceCollection? services = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        services ??= new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddInfrastructure(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
