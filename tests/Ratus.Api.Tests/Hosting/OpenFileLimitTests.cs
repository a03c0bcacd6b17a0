using System.Globalization;
using Ratus.Api.Hosting;

namespace Ratus.Api.Tests.Hosting;

public sealed class OpenFileLimitTests
{
    // The limit less max(512, 10 %), never below half the limit.
    [TestCase(256L, 128L)]
    [TestCase(1024L, 512L)]
    [TestCase(2048L, 1536L)]
    [TestCase(5120L, 4608L)]
    [TestCase(20_000L, 18_000L)]
    [TestCase(1_048_576L, 943_719L)]
    public void DefaultMaxConnections_LeavesAReserveBelowTheLimit(long limit, long expected)
    {
        Assert.That(new OpenFileLimit(limit, limit).DefaultMaxConnections, Is.EqualTo(expected));
    }

    [Test]
    public void DefaultMaxConnections_NoLimit_NoLimit()
    {
        Assert.Multiple(() =>
        {
            Assert.That(OpenFileLimit.None.DefaultMaxConnections, Is.Null);
            Assert.That(new OpenFileLimit(null, null).DefaultMaxConnections, Is.Null);
        });
    }

    [Test]
    [Platform(Include = "Linux", Reason = "reads the limits from /proc")]
    public void RaiseToMaximum_OnLinux_ReturnsTheLimitsInForceWithTheSoftLimitAtTheHardOne()
    {
        var limit = OpenFileLimit.RaiseToMaximum();

        // Max open files            20000                20000                files
        var line = File.ReadLines("/proc/self/limits").Single(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var columns = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(limit.Current, Is.EqualTo(Parse(columns[0])));
            Assert.That(limit.Maximum, Is.EqualTo(Parse(columns[1])));
            Assert.That(limit.Current, Is.EqualTo(limit.Maximum));
        });
    }

    private static long? Parse(string value) => value == "unlimited" ? null : long.Parse(value, CultureInfo.InvariantCulture);
}
