using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Ratus.Infrastructure.Tests.Support;

/// One log call as the code under test made it.
public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);

/// A logger provider that keeps every record in memory, at every level, so that tests count what was logged rather
/// than read a console. Add it to a host's services as an <see cref="ILoggerProvider"/>, or take loggers from it.
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public ILogger<T> CreateLogger<T>() => new Logger<T>(new Factory(this));

    /// Polls until <paramref name="condition"/> holds for the records so far; fails after 30 s.
    public async Task WaitForAsync(Func<IReadOnlyList<LogEntry>, bool> condition, string what)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!condition(Entries))
        {
            if (stopwatch.Elapsed > TimeSpan.FromSeconds(30))
            {
                Assert.Fail($"Not logged within 30 s: {what}. Logged:{Environment.NewLine}{string.Join(Environment.NewLine, Entries)}");
            }

            await Task.Delay(10);
        }
    }

    public void Dispose()
    {
        // Nothing to release: the records stay readable after the host that logged them is gone.
    }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            capture._entries.Enqueue(new LogEntry(category, logLevel, eventId, formatter(state, exception), exception));
    }

    private sealed class Factory(LogCapture capture) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => capture.CreateLogger(categoryName);

        public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

        public void Dispose()
        {
            // The capture owns nothing the factory must release.
        }
    }
}
