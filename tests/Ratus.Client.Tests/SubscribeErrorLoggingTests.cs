using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Ratus.Client.Tests;

/// A subscription's errors reach the user even without OnError: through the logger, and for a client made by
/// RatusClient.Create without a logger factory, on standard error.
[NonParallelizable]
public sealed class SubscribeErrorLoggingTests
{
    /// An origin on 127.0.0.1 where nothing listens: a port that was just free.
    private static Uri Unreachable()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}");
    }

    [Test]
    public async Task CreateWithoutALoggerFactoryWritesSubscriptionErrorsToStandardError()
    {
        var stderr = new CapturingWriter();
        var original = Console.Error;
        Console.SetError(stderr);
        try
        {
            await using var client = RatusClient.Create(new RatusClientOptions { BaseAddress = Unreachable(), MaxRetryAttempts = 0 });
            using var cts = new CancellationTokenSource();
            // The fake clock never moves: after its first failed poll the subscription waits for ever in ErrorInterval.
            var subscription = client.SubscribeAsync("unreachable", (_, _) => ValueTask.CompletedTask, new SubscribeOptions { TimeProvider = new FakeTimeProvider() }, cts.Token);
            await stderr.WaitForAsync("Polling topic unreachable failed");
            await cts.CancelAsync();
            await subscription;
            Assert.That(stderr.Text, Does.StartWith("warn: Ratus.Client.RatusClient[1] Polling topic unreachable failed: HttpRequestException: "));
        }
        finally
        {
            Console.SetError(original);
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task CreateLogsSubscriptionErrorsToTheGivenLoggerFactory(bool enumerable)
    {
        using var recording = new RecordingLogger();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(recording));
        await using var client = RatusClient.Create(new RatusClientOptions { BaseAddress = Unreachable(), MaxRetryAttempts = 0 }, loggerFactory);
        using var cts = new CancellationTokenSource();
        var options = new SubscribeOptions { TimeProvider = new FakeTimeProvider() };
        var subscription = enumerable
            ? Task.Run(async () =>
            {
                await foreach (var lease in client.SubscribeAsync("unreachable", options, cts.Token))
                {
                    Assert.Fail($"nothing can be claimed, yet {lease.Task.Id} was");
                }
            })
            : client.SubscribeAsync("unreachable", (_, _) => ValueTask.CompletedTask, options, cts.Token);

        var entry = await recording.WaitForAsync(e => e.Category == typeof(RatusClient).FullName);
        Assert.That(entry.Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(entry.Message, Is.EqualTo("Polling topic unreachable failed"));
        Assert.That(entry.Exception, Is.InstanceOf<HttpRequestException>());
        await cts.CancelAsync();
        await subscription;
    }

    [Test]
    public async Task TheDependencyInjectionClientLogsSubscriptionErrorsToTheContainersLogger()
    {
        using var recording = new RecordingLogger();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(recording));
        var unreachable = Unreachable();
        services.AddRatusClient(o =>
        {
            o.BaseAddress = unreachable;
            o.MaxRetryAttempts = 0;
        });
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IRatusClient>();
        using var cts = new CancellationTokenSource();
        var subscription = client.SubscribeAsync("unreachable", (_, _) => ValueTask.CompletedTask, new SubscribeOptions { TimeProvider = new FakeTimeProvider() }, cts.Token);

        var entry = await recording.WaitForAsync(e => e.Category == typeof(RatusClient).FullName);
        Assert.That(entry.Message, Is.EqualTo("Polling topic unreachable failed"));
        Assert.That(entry.Exception, Is.InstanceOf<HttpRequestException>());
        await cts.CancelAsync();
        await subscription;
    }

    private sealed class CapturingWriter : TextWriter
    {
        private readonly StringBuilder _text = new();

        public override Encoding Encoding => Encoding.UTF8;

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        public override void Write(char value)
        {
            lock (_text)
            {
                _text.Append(value);
            }
        }

        public override void Write(string? value)
        {
            lock (_text)
            {
                _text.Append(value);
            }
        }

        public async Task WaitForAsync(string text)
        {
            var until = DateTime.UtcNow.AddSeconds(30);
            while (!Text.Contains(text, StringComparison.Ordinal) && DateTime.UtcNow < until)
            {
                await Task.Delay(20);
            }

            Assert.That(Text, Does.Contain(text));
        }
    }
}
