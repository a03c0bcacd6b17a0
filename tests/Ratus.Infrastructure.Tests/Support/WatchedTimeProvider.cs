using Microsoft.Extensions.Time.Testing;

namespace Ratus.Infrastructure.Tests.Support;

/// A <see cref="FakeTimeProvider"/> that shows the timers waiting on it, so that a test moves the clock only once the
/// code under test is observably waiting (a loop in <c>Task.Delay(…, timeProvider)</c>, a deadline's
/// <c>CancellationTokenSource</c>), and can assert exactly when that wait ends. Nothing here depends on the wall
/// clock, except the generous limit after which a wait that never comes fails the test.
public sealed class WatchedTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private readonly List<WatchedTimer> _timers = [];
    private TaskCompletionSource _changed = NewSignal();

    public WatchedTimeProvider()
        : this(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    /// When each waiting timer fires, in order: the instants on this clock.
    public IReadOnlyList<DateTimeOffset> Timers
    {
        get
        {
            lock (_gate)
            {
                return [.. _timers.Select(t => t.Due).Order()];
            }
        }
    }

    /// Completes once a timer waits to fire <paramref name="delay"/> from now on this clock.
    public Task WaitForTimerAsync(TimeSpan delay)
    {
        var due = GetUtcNow() + delay;
        return WaitUntilAsync(timers => timers.Contains(due), $"a timer due at {due:O}");
    }

    /// Completes once at least <paramref name="count"/> timers wait, and returns when they fire.
    public async Task<IReadOnlyList<DateTimeOffset>> WaitForTimersAsync(int count)
    {
        await WaitUntilAsync(timers => timers.Count >= count, $"{count} waiting timer(s)");
        return Timers;
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new WatchedTimer(this);
        timer.Arm(dueTime, period, () => timer.Inner = base.CreateTimer(
            s =>
            {
                timer.Fired();
                callback(s);
            },
            state,
            dueTime,
            period));
        return timer;
    }

    private async Task WaitUntilAsync(Func<IReadOnlyList<DateTimeOffset>, bool> condition, string what)
    {
        var limit = Task.Delay(WaitLimit);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (condition([.. _timers.Select(t => t.Due)]))
                {
                    return;
                }

                changed = _changed.Task;
            }

            if (await Task.WhenAny(changed, limit) == limit)
            {
                Assert.Fail($"waited {WaitLimit.TotalSeconds} s for {what}; waiting timers: [{string.Join(", ", Timers.Select(t => t.ToString("O")))}] at {GetUtcNow():O}");
            }
        }
    }

    private void Update(WatchedTimer timer, bool waiting)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _timers.Remove(timer);
            if (waiting)
            {
                _timers.Add(timer);
            }

            changed = _changed;
            _changed = NewSignal();
        }

        changed.SetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// Follows one timer: it waits from its creation or Change with a due time until it fires (once, unless it is
    /// periodic) or is disposed. It shows as waiting only once the fake clock knows it, so a test that sees it and
    /// moves the clock does fire it.
    private sealed class WatchedTimer(WatchedTimeProvider clock) : ITimer
    {
        private readonly Lock _gate = new();
        private TimeSpan _period = Timeout.InfiniteTimeSpan;
        private long _fired;
        private bool _disposed;

        public ITimer Inner { get; set; } = null!;

        public DateTimeOffset Due { get; private set; }

        private bool Periodic => _period != Timeout.InfiniteTimeSpan && _period != TimeSpan.Zero;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var changed = false;
            Arm(dueTime, period, () => changed = Inner.Change(dueTime, period));
            return changed;
        }

        /// Runs <paramref name="register"/> (which arms the fake timer), then shows the timer as waiting unless it
        /// fired meanwhile (a due time of zero fires at once).
        public void Arm(TimeSpan dueTime, TimeSpan period, Action register)
        {
            var due = clock.GetUtcNow() + dueTime;
            long fired;
            lock (_gate)
            {
                _period = period;
                fired = _fired;
            }

            register();
            lock (_gate)
            {
                if (_disposed || (_fired != fired && !Periodic))
                {
                    return;
                }

                Due = due;
                clock.Update(this, waiting: dueTime != Timeout.InfiniteTimeSpan);
            }
        }

        public void Fired()
        {
            lock (_gate)
            {
                _fired++;
                if (_disposed)
                {
                    return;
                }

                if (Periodic)
                {
                    Due += _period;
                }

                clock.Update(this, waiting: Periodic);
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _disposed = true;
                clock.Update(this, waiting: false);
            }

            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
