using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Ratus.Client.Tests;

/// A logger provider that keeps every entry and lets a test wait for one.
public sealed class RecordingLogger : ILoggerProvider
{
    private readonly ConcurrentQueue<Entry> _entries = new();
    private readonly Lock _lock = new();
    private TaskCompletionSource _added = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public sealed record Entry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);

    public IReadOnlyCollection<Entry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// Waits (at most 30 s) for an entry that matches.
    public async Task<Entry> WaitForAsync(Func<Entry, bool> match)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            Task added;
            lock (_lock)
            {
                added = _added.Task;
            }

            if (_entries.FirstOrDefault(match) is { } entry)
            {
                return entry;
            }

            var left = until - DateTime.UtcNow;
            Assert.That(left, Is.GreaterThan(TimeSpan.Zero), "no matching log entry within 30 s; entries: " + string.Join(" | ", _entries));
            await Task.WhenAny(added, Task.Delay(left));
        }
    }

    public void Dispose()
    {
    }

    private void Add(Entry entry)
    {
        _entries.Enqueue(entry);
        lock (_lock)
        {
            _added.TrySetResult();
            _added = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    private sealed class Logger(RecordingLogger owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Add(new Entry(category, logLevel, eventId, formatter(state, exception), exception));
    }
}
