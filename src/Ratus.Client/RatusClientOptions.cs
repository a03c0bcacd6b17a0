using System.ComponentModel.DataAnnotations;

namespace Ratus.Client;

/// <summary>Settings of a <see cref="RatusClient"/>. Bindable from configuration (see
/// <see cref="RatusClientServiceCollectionExtensions.AddRatusClient(Microsoft.Extensions.DependencyInjection.IServiceCollection, Microsoft.Extensions.Configuration.IConfiguration)"/>),
/// and validated when the host starts.</summary>
public sealed class RatusClientOptions
{
    /// <summary>The origin of the Ratus server, e.g. <c>http://127.0.0.1:80</c>. Routes are sent under <c>/v1</c> of it.</summary>
    /// <value>Required; an absolute <c>http</c> or <c>https</c> URI.</value>
    [Required]
    public Uri? BaseAddress { get; set; }

    /// <summary>The consumer identifier sent with polls and subscriptions that do not name their own.</summary>
    /// <value><see langword="null"/> by default: no consumer is sent.</value>
    public string? Consumer { get; set; }

    /// <summary>How many times an idempotent call (GET, PUT, DELETE) is retried after a transport error, 408, 429 or 5xx.
    /// POST and PATCH (polls, claims, inserts and commits) are never retried. 0 disables retries.</summary>
    /// <value>3 by default.</value>
    [Range(0, 100)]
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The base delay of the exponential backoff (with jitter) between retries.</summary>
    /// <value>1 second by default.</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The time limit of one call, retries included (<see cref="HttpClient.Timeout"/>).
    /// <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> means none.</summary>
    /// <value>100 seconds by default.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Headers added to every request. A <c>User-Agent</c> of <c>Ratus-Client</c> is sent unless one is given here.</summary>
    /// <value>Empty by default.</value>
    public IDictionary<string, string> Headers { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}
