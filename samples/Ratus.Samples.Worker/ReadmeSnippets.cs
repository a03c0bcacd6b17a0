using Ratus.Client;

namespace Ratus.Samples.Worker;

/// <summary>The code of the "Use from .NET" section of the repository's README.md. It is compiled with this sample
/// (against the package) and with tests/Ratus.Samples.Tests (against the project), whose tests check that the README
/// shows each snippet verbatim and run the snippets against a real server.</summary>
public static class ReadmeSnippets
{
    /// <summary>An email to send: a typed payload.</summary>
    // snippet: payload
    public sealed record Email(string To, string Subject);
    // end snippet

    /// <summary>Registers the client in a service collection.</summary>
    public static IHttpClientBuilder Register(IServiceCollection services) =>
        // snippet: register
        services.AddRatusClient(o => o.BaseAddress = new Uri("http://127.0.0.1:8000"));
    // end snippet

    /// <summary>Pushes one email task.</summary>
    public static async Task ProduceAsync(IRatusClient ratus, CancellationToken ct)
    {
        // snippet: produce
        await ratus.InsertTaskAsync(new RatusTask
        {
            Id = "email-42",
            Topic = "emails",
            Payload = RatusPayload.From(new Email("ada@example.com", "Welcome")),
        }, ct);
        // end snippet
    }

    /// <summary>Claims the next due email, sends it and commits it.</summary>
    public static async Task ConsumeOneAsync(IRatusClient ratus, CancellationToken ct)
    {
        // snippet: poll
        await using var lease = await ratus.PollAsync("emails", new Promise { Timeout = TimeSpan.FromSeconds(30) }, ct);
        if (lease is null)
        {
            return; // nothing due
        }

        var email = lease.Task.GetPayload<Email>()!;
        await SendAsync(email, lease.CancellationToken); // fires when the promise is about to expire
        await lease.CommitAsync(ct); // completed; or lease.Retry(TimeSpan.FromMinutes(1)).CommitAsync(ct)
        // end snippet
    }

    /// <summary>Sends every email as it becomes due, until <paramref name="ct"/> fires.</summary>
    public static async Task ConsumeAllAsync(IRatusClient ratus, CancellationToken ct)
    {
        // snippet: subscribe
        await ratus.SubscribeAsync("emails", async (lease, leaseToken) =>
        {
            await SendAsync(lease.Task.GetPayload<Email>()!, leaseToken);
            // Returning commits the task as completed; throwing leaves it to its deadline.
        }, new SubscribeOptions { Consumer = "mailer", Concurrency = 4 }, ct); // returns when ct fires
        // end snippet
    }

    /// <summary>The emails "sent" so far, for the tests.</summary>
    public static IReadOnlyCollection<Email> Sent => [.. Outbox];

    private static readonly System.Collections.Concurrent.ConcurrentQueue<Email> Outbox = new();

    private static Task SendAsync(Email email, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Outbox.Enqueue(email);
        return Task.CompletedTask;
    }
}
