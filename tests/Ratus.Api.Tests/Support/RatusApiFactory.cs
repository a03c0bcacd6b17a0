using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Ratus.Infrastructure.Tests.Support;

namespace Ratus.Api.Tests.Support;

/// The real server in-process on the memdb engine, or on the mongodb engine over its own database of the test server
/// (<see cref="MongoEnv"/>, dropped on dispose), with the background chore off unless a test turns it on, so that
/// nothing changes between requests except what the test does.
public sealed class RatusApiFactory(
    IReadOnlyDictionary<string, string?>? settings = null,
    FakeTimeProvider? time = null,
    Action<IServiceCollection>? services = null,
    string engine = RatusApiFactory.MemDb) : WebApplicationFactory<Program>
{
    public const string MemDb = "memdb";
    public const string MongoDb = "mongodb";

    // Fake clocks stand years away from the real one that MongoDB's TTL monitor (and CongoDB's sweeper) uses:
    // keep completed tasks for the longest TTL MongoDB accepts.
    private static readonly string LongRetention = TimeSpan.FromSeconds(int.MaxValue).ToString("c", System.Globalization.CultureInfo.InvariantCulture);

    private readonly string? _mongoUri = engine == MongoDb ? MongoEnv.Require() : null;
    private readonly string _mongoDatabase = MongoEnv.NewDatabaseName();

    public FakeTimeProvider? Time => time;

    public string Engine => engine;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_mongoUri is not null)
        {
            using var client = MongoEnv.CreateClient(_mongoUri);
            await client.DropDatabaseAsync(_mongoDatabase);
        }
    }

    public static RatusApiFactory WithPagination(int maxLimit, int maxOffset) => new(new Dictionary<string, string?>
    {
        ["Pagination:MaxLimit"] = maxLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Pagination:MaxOffset"] = maxOffset.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    public static RatusApiFactory WithFakeTime(out FakeTimeProvider time, string engine = MemDb)
    {
        time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        return new RatusApiFactory(time: time, engine: engine);
    }

    /// A client that neither follows redirects nor decompresses, so tests see the response as sent.
    public HttpClient CreateRawClient() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Engine:Name", engine);
        if (_mongoUri is not null)
        {
            builder.UseSetting("MongoDb:Uri", _mongoUri);
            builder.UseSetting("MongoDb:Database", _mongoDatabase);
            builder.UseSetting("MongoDb:RetentionPeriod", LongRetention);
        }

        builder.UseSetting("Chore:Interval", "00:00:00");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(s =>
        {
            if (time is not null)
            {
                s.AddSingleton<TimeProvider>(time);
            }

            services?.Invoke(s);
        });
    }
}
