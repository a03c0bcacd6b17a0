// hello-world, as in the original's examples: push a task, poll it, print its payload and commit it.
using Ratus.Client;

Uri origin;
try
{
    origin = ParseOrigin(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"hello-world: {e.Message}");
    Console.Error.WriteLine("usage: Ratus.Samples.HelloWorld [--origin URL]   (default http://127.0.0.1:80)");
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

try
{
    await using var client = RatusClient.Create(new RatusClientOptions { BaseAddress = origin });

    // 1. Push task "1" to topic "example". A second run fails here: the ID exists (409).
    await client.InsertTaskAsync(new RatusTask
    {
        Id = "1",
        Topic = "example",
        Payload = RatusPayload.From("hello world"),
    }, stop.Token);

    // 2. Claim the next due task of "example" for 30 seconds.
    await using var lease = await client.PollAsync("example", new Promise { Timeout = TimeSpan.FromSeconds(30) }, stop.Token)
        ?? throw new InvalidOperationException("topic \"example\" has no task due");

    // 3. Print its payload.
    Console.WriteLine(lease.Task.GetPayload<string>());

    // 4. Commit: the task is completed.
    await lease.CommitAsync(stop.Token);
    return 0;
}
catch (RatusConflictException e)
{
    Console.Error.WriteLine($"hello-world: task \"1\" already exists ({e.Message}); delete it or restart the server");
    return 1;
}
catch (RatusException e)
{
    Console.Error.WriteLine($"hello-world: the server answered {e.StatusCode}: {e.Message}");
    return 1;
}
catch (Exception e) when (e is HttpRequestException or System.Net.Sockets.SocketException)
{
    Console.Error.WriteLine($"hello-world: cannot reach {origin}: {e.Message}");
    return 1;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("hello-world: cancelled");
    return 1;
}
catch (Exception e)
{
    Console.Error.WriteLine($"hello-world: {e.Message} (origin {origin})");
    return 1;
}

static Uri ParseOrigin(string[] args)
{
    var origin = "http://127.0.0.1:80";
    for (var i = 0; i < args.Length; i++)
    {
        var arg = args[i];
        if (arg is "--origin" or "-origin")
        {
            origin = i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{arg} needs a URL");
        }
        else if (arg.StartsWith("--origin=", StringComparison.Ordinal) || arg.StartsWith("-origin=", StringComparison.Ordinal))
        {
            origin = arg[(arg.IndexOf('=', StringComparison.Ordinal) + 1)..];
        }
        else
        {
            throw new ArgumentException($"unknown argument {arg}");
        }
    }

    return Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
        ? uri
        : throw new ArgumentException($"--origin must be an absolute http(s) URL, not \"{origin}\"");
}
