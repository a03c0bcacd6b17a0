// crawl-frontier, as in the original's examples: a URL frontier on two topics. "fresh" holds pages to crawl; a
// crawled page moves to "revisit", where it comes back every minute. Runs until Ctrl+C (or SIGTERM).
using System.Globalization;
using System.Runtime.InteropServices;
using Ratus.Client;
using Ratus.Samples.CrawlFrontier;

const string Producer = "mycrawler";
const string Consumer = "mycrawler";

Uri origin;
int maxDepth;
try
{
    (origin, maxDepth) = ParseArguments(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"crawl-frontier: {e.Message}");
    Console.Error.WriteLine("usage: Ratus.Samples.CrawlFrontier [--origin URL] [--max-depth N]   (defaults http://127.0.0.1:80, 2)");
    return 2;
}

using var stop = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

await using var client = RatusClient.Create(new RatusClientOptions { BaseAddress = origin });

// 1. Seed "fresh". A bulk insert skips IDs that exist, so a second run seeds nothing.
try
{
    var seeded = await client.InsertTasksAsync(
    [
        new RatusTask
        {
            Id = "example.com",
            Topic = "fresh",
            Producer = Producer,
            Payload = RatusPayload.From(new Page { Url = "https://example.com" }),
        },
        new RatusTask
        {
            Id = "foobar.com",
            Topic = "fresh",
            Producer = Producer,
            Payload = RatusPayload.From(new Page { Url = "https://foobar.com" }),
            Defer = TimeSpan.FromSeconds(5),
        },
    ], stop.Token);
    Console.WriteLine($"seeded {seeded.Created} task(s) in \"fresh\"");
}
catch (Exception e) when (e is not OperationCanceledException)
{
    Console.Error.WriteLine($"crawl-frontier: cannot seed the frontier at {origin}: {e.Message}");
    return 1;
}

// 2. Crawl "fresh" with 5 concurrent workers, and 3. revisit crawled pages with one.
var errors = 0;
await Task.WhenAll(
    client.SubscribeAsync("fresh", CrawlAsync, Options(concurrency: 5), stop.Token),
    client.SubscribeAsync("revisit", RevisitAsync, Options(concurrency: 1), stop.Token));
Console.WriteLine($"stopped ({errors} error(s) reported)");
return 0;

async ValueTask CrawlAsync(TaskLease lease, CancellationToken cancellationToken)
{
    var task = lease.Task;
    var page = task.GetPayload<Page>() ?? throw new InvalidDataException($"task {task.Id} has no page");
    Console.WriteLine($"crawl   {task.Id} {page.Url} (depth {page.Trace.Depth}, from {Referrer(page)})");

    // Fetching and parsing the page would go here. The token fires when the promise is about to expire.
    await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);

    // Every page links to three more. Their IDs contain '/', which the client escapes as %2F.
    if (page.Trace.Depth < maxDepth)
    {
        var links = Enumerable.Range(0, 3).Select(i => new RatusTask
        {
            Id = $"{task.Id}/{i}",
            Topic = "fresh",
            Producer = Producer,
            Payload = RatusPayload.From(new Page
            {
                Url = $"{page.Url}/{i}",
                Trace = new Trace { Referrer = task.Id, Depth = page.Trace.Depth + 1 },
            }),
        });
        await client.InsertTasksAsync(links, cancellationToken);
    }

    // Move the page to "revisit", pending again and due in 30 s. Returning commits the lease with these changes.
    lease.SetTopic("revisit").Retry(TimeSpan.FromSeconds(30));
}

async ValueTask RevisitAsync(TaskLease lease, CancellationToken cancellationToken)
{
    Console.WriteLine($"revisit {lease.Task.Id}");
    await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);

    // Keep it pending in "revisit", due again in a minute.
    lease.Retry(TimeSpan.FromMinutes(1));
}

SubscribeOptions Options(int concurrency) => new()
{
    Consumer = Consumer,
    Timeout = TimeSpan.FromSeconds(30),
    Concurrency = concurrency,
    OnError = (error, _) =>
    {
        Interlocked.Increment(ref errors);
        Console.Error.WriteLine($"crawl-frontier: {error.Message}");
        return ValueTask.CompletedTask;
    },
};

void Stop(PosixSignalContext context)
{
    // Keep the process alive: the subscriptions stop polling, finish the tasks in hand, commit them and return.
    context.Cancel = true;
    if (!stop.IsCancellationRequested)
    {
        Console.WriteLine("stopping...");
        stop.Cancel();
    }
}

static string Referrer(Page page) => page.Trace.Referrer is { Length: > 0 } referrer ? referrer : "seed";

static (Uri Origin, int MaxDepth) ParseArguments(string[] args)
{
    var origin = "http://127.0.0.1:80";
    var maxDepth = "2";
    for (var i = 0; i < args.Length; i++)
    {
        var (name, value) = args[i].Split('=', 2) is [var n, var v] ? (n, v) : (args[i], null);
        if (name.TrimStart('-') is not ("origin" or "max-depth") || !name.StartsWith('-'))
        {
            throw new ArgumentException($"unknown argument {args[i]}");
        }

        value ??= i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value");
        if (name.TrimStart('-') == "origin")
        {
            origin = value;
        }
        else
        {
            maxDepth = value;
        }
    }

    if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
    {
        throw new ArgumentException($"--origin must be an absolute http(s) URL, not \"{origin}\"");
    }

    if (!int.TryParse(maxDepth, NumberStyles.None, CultureInfo.InvariantCulture, out var depth))
    {
        throw new ArgumentException($"--max-depth must be a number of links from a seed (0 or more), not \"{maxDepth}\"");
    }

    return (uri, depth);
}
