namespace Ratus.Infrastructure.Tests.Support;

/// Waits for a condition that no signal reports (another process, a socket, the MongoDB driver's view of a server) by
/// checking it until it holds or a generous limit passes. Nothing is asserted about how soon it holds.
public static class Eventually
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(50);

    public static Task<bool> HoldsAsync(Func<bool> condition) => HoldsAsync(() => Task.FromResult(condition()));

    public static async Task<bool> HoldsAsync(Func<Task<bool>> condition)
    {
        var until = DateTime.UtcNow + Limit;
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
            {
                return false;
            }

            await Task.Delay(Pause);
        }

        return true;
    }

    /// Fails the test when the condition does not hold within the limit.
    public static Task AssertAsync(Func<bool> condition, string what) => AssertAsync(() => Task.FromResult(condition()), what);

    public static async Task AssertAsync(Func<Task<bool>> condition, string what)
    {
        if (!await HoldsAsync(condition))
        {
            Assert.Fail($"Not within {Limit.TotalSeconds} s: {what}");
        }
    }
}
