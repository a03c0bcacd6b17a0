using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Ratus.Api.Tests.Support;

/// The real server in-process on the memdb engine, with the background chore off unless a test turns it on, so that
/// nothing changes between requests except what the test does.
public sealed class RatusApiFactory(
    IReadOnlyDictionary<string, string?>? settings = null,
    FakeTimeProvider? time = null,
    Action<IServiceCollection>? services = null) : WebApplicationFactory<Program>
{
    public FakeTimeProvider? Time => time;

    public static RatusApiFactory WithPagination(int maxLimit, int maxOffset) => new(new Dictionary<string, string?>
    {
        ["Pagination:MaxLimit"] = maxLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Pagination:MaxOffset"] = maxOffset.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    public static RatusApiFactory WithFakeTime(out FakeTimeProvider time)
    {
        time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        return new RatusApiFactory(time: time);
    }

    /// A client that neither follows redirects nor decompresses, so tests see the response as sent.
    public HttpClient CreateRawClient() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Engine:Name", "memdb");
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
