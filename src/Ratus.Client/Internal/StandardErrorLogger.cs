using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Ratus.Client.Internal;

/// <summary>The logger of a client made by <see cref="RatusClient.Create(RatusClientOptions, ILoggerFactory?)"/> without a logger factory: warnings and errors
/// on standard error, one entry per line (an error adds its exception's stack trace), so that a failing subscription is
/// never silent. Nothing below a warning is written.</summary>
internal sealed class StandardErrorLogger(string category) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel is >= LogLevel.Warning and < LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var entry = new StringBuilder()
            .Append(logLevel switch { LogLevel.Warning => "warn", LogLevel.Error => "fail", _ => "crit" })
            .Append(": ").Append(category).Append('[').Append(eventId.Id.ToString(CultureInfo.InvariantCulture)).Append("] ")
            .Append(formatter(state, exception));
        if (exception is not null)
        {
            // A failed poll or commit is told by its message; a handler's failure needs its stack trace.
            if (logLevel == LogLevel.Warning)
            {
                entry.Append(": ").Append(exception.GetType().Name).Append(": ").Append(exception.Message);
            }
            else
            {
                entry.AppendLine().Append(exception);
            }
        }

        Console.Error.WriteLine(entry.ToString());
    }
}
