namespace Ratus.Infrastructure.Tests.Support;

/// The result of one concurrent call: a value or the exception it threw.
public readonly record struct Outcome<T>(T? Value, Exception? Error)
{
    public bool Succeeded => Error is null;
}

public static class Concurrently
{
    /// Runs <paramref name="count"/> calls on dedicated threads released together by one gate, so they really
    /// race (pool threads would trickle in on a 2-core machine), and collects every outcome.
    public static Outcome<T>[] Run<T>(int count, Func<int, ValueTask<T>> action)
    {
        var outcomes = new Outcome<T>[count];
        using var gate = new ManualResetEventSlim();
        var threads = new Thread[count];
        for (var i = 0; i < count; i++)
        {
            var slot = i;
            threads[i] = new Thread(() =>
            {
                gate.Wait();
                try
                {
                    outcomes[slot] = new Outcome<T>(action(slot).AsTask().GetAwaiter().GetResult(), null);
                }
                catch (Exception exception)
                {
                    outcomes[slot] = new Outcome<T>(default, exception);
                }
            })
            { IsBackground = true };
            threads[i].Start();
        }

        gate.Set();
        foreach (var thread in threads)
        {
            if (!thread.Join(TimeSpan.FromSeconds(30)))
            {
                throw new TimeoutException("a concurrent call did not finish within 30 s");
            }
        }

        return outcomes;
    }
}
