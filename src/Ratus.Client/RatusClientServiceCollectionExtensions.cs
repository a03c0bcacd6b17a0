using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Ratus.Client.Internal;
using Refit;

namespace Ratus.Client;

/// <summary>Registers <see cref="IRatusClient"/> with an <see cref="IHttpClientFactory"/>-managed client.</summary>
public static class RatusClientServiceCollectionExtensions
{
    /// <summary>The name of the resilience pipeline added to the client's handler chain.</summary>
    public const string ResiliencePipelineName = "ratus";

    /// <summary>Registers <see cref="IRatusClient"/> (transient) configured by <paramref name="configure"/>; the options are
    /// validated when the host starts.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options; <see cref="RatusClientOptions.BaseAddress"/> is required.</param>
    /// <returns>The builder of the underlying HTTP client, to add handlers or configure the primary handler.</returns>
    public static IHttpClientBuilder AddRatusClient(this IServiceCollection services, Action<RatusClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<RatusClientOptions>().Configure(configure).ValidateOnStart();
        return AddCore(services);
    }

    /// <summary>Registers <see cref="IRatusClient"/> bound to a configuration section (keys <c>BaseAddress</c>,
    /// <c>Consumer</c>, <c>MaxRetryAttempts</c>, <c>RetryDelay</c>, <c>Timeout</c>, <c>Headers</c>); the options are
    /// validated when the host starts.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The configuration section, e.g. <c>configuration.GetSection("Ratus")</c>.</param>
    /// <returns>The builder of the underlying HTTP client, to add handlers or configure the primary handler.</returns>
    public static IHttpClientBuilder AddRatusClient(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        services.AddOptions<RatusClientOptions>().Bind(section).ValidateOnStart();
        return AddCore(services);
    }

    private static IHttpClientBuilder AddCore(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RatusClientOptions>, RatusClientOptionsValidator>());
        var builder = services
            .AddRefitGeneratedClient<IRatusApi>(RatusRefit.CreateSettings())
            .ConfigureHttpClient((sp, client) => RatusRefit.Configure(client, sp.GetRequiredService<IOptions<RatusClientOptions>>().Value))
            .UseSocketsHttpHandler((handler, _) => handler.PooledConnectionLifetime = TimeSpan.FromMinutes(2))
            .SetHandlerLifetime(System.Threading.Timeout.InfiniteTimeSpan);
        builder.AddResilienceHandler(ResiliencePipelineName, static (pipeline, context) =>
            RatusResilience.Configure(pipeline, context.ServiceProvider.GetRequiredService<IOptions<RatusClientOptions>>().Value));
        services.TryAddTransient<IRatusClient>(sp => new RatusClient(
            sp.GetRequiredService<IRatusApi>(),
            sp.GetRequiredService<IOptions<RatusClientOptions>>().Value,
            sp.GetService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger<RatusClient>()));
        return builder;
    }
}

/// <summary>The retry pipeline: exponential backoff with jitter on transport errors, 408, 429 and 5xx, for GET, PUT and
/// DELETE only. POST (polls, claims, inserts) and PATCH (commits) are never retried.</summary>
internal static class RatusResilience
{
    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, RatusClientOptions options)
    {
        if (options.MaxRetryAttempts <= 0)
        {
            return;
        }

        pipeline.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = options.MaxRetryAttempts,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.RetryDelay,
            MaxDelay = TimeSpan.FromSeconds(30),
            ShouldHandle = args => ValueTask.FromResult(IsRetryable(args.Context.GetRequestMessage()?.Method, args.Outcome)),
        });
    }

    internal static bool IsRetryable(HttpMethod? method, Outcome<HttpResponseMessage> outcome)
    {
        method ??= outcome.Result?.RequestMessage?.Method;
        if (method is null || method == HttpMethod.Post || method == HttpMethod.Patch)
        {
            return false;
        }

        return HttpClientResiliencePredicates.IsTransient(outcome);
    }
}

/// <summary>Validates <see cref="RatusClientOptions"/>.</summary>
internal sealed class RatusClientOptionsValidator : IValidateOptions<RatusClientOptions>
{
    public ValidateOptionsResult Validate(string? name, RatusClientOptions options)
    {
        var failures = new List<string>();
        if (options.BaseAddress is null)
        {
            failures.Add("RatusClientOptions.BaseAddress is required.");
        }
        else if (!options.BaseAddress.IsAbsoluteUri || options.BaseAddress.Scheme is not ("http" or "https"))
        {
            failures.Add($"RatusClientOptions.BaseAddress must be an absolute http or https URI, not '{options.BaseAddress}'.");
        }

        if (options.MaxRetryAttempts is < 0 or > 100)
        {
            failures.Add("RatusClientOptions.MaxRetryAttempts must be between 0 and 100.");
        }

        if (options.RetryDelay < TimeSpan.Zero)
        {
            failures.Add("RatusClientOptions.RetryDelay must not be negative.");
        }

        if (options.Timeout <= TimeSpan.Zero && options.Timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            failures.Add("RatusClientOptions.Timeout must be positive or infinite.");
        }

        if (options.Headers is null)
        {
            failures.Add("RatusClientOptions.Headers must not be null.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
