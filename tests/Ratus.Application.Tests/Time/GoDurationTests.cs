using Ratus.Domain.Time;

namespace Ratus.Application.Tests.Time;

public sealed class GoDurationTests
{
    [TestCase("0", 0L)]
    [TestCase("+0", 0L)]
    [TestCase("-0", 0L)]
    [TestCase("30s", 30_000_000_000L)]
    [TestCase("1m30s", 90_000_000_000L)]
    [TestCase("1h30m10.5s", 5_410_500_000_000L)]
    [TestCase("100us", 100_000L)]
    [TestCase("100\u00b5s", 100_000L)]
    [TestCase("100\u03bcs", 100_000L)]
    [TestCase("15ns", 15L)]
    [TestCase("3500ms", 3_500_000_000L)]
    [TestCase("-1h", -3_600_000_000_000L)]
    [TestCase(".5s", 500_000_000L)]
    [TestCase("1.5h", 5_400_000_000_000L)]
    [TestCase("1.s", 1_000_000_000L)]
    [TestCase("9223372036854775807ns", long.MaxValue)]
    [TestCase("-9223372036854775808ns", long.MinValue)]
    public void TryParseNanoseconds_ValidDuration_ReturnsGoValue(string text, long expected)
    {
        var ok = GoDuration.TryParseNanoseconds(text, out var nanoseconds, out var error);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ok, Is.True, error);
            Assert.That(nanoseconds, Is.EqualTo(expected));
        }
    }

    [TestCase("", "time: invalid duration \"\"")]
    [TestCase("foo", "time: invalid duration \"foo\"")]
    [TestCase("10", "time: missing unit in duration \"10\"")]
    [TestCase("1d", "time: unknown unit \"d\" in duration \"1d\"")]
    [TestCase("-", "time: invalid duration \"-\"")]
    [TestCase(".s", "time: invalid duration \".s\"")]
    [TestCase("1h-5m", "time: unknown unit \"h-\" in duration \"1h-5m\"")]
    [TestCase("9223372036854775808ns", "time: invalid duration \"9223372036854775808ns\"")]
    [TestCase("3000000h", "time: invalid duration \"3000000h\"")]
    public void TryParseNanoseconds_InvalidDuration_FailsWithGoMessage(string text, string expected)
    {
        var ok = GoDuration.TryParseNanoseconds(text, out _, out var error);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ok, Is.False);
            Assert.That(error, Is.EqualTo(expected));
        }
    }

    [TestCase("1h30m", "1h30m0s")]
    [TestCase("1.5s", "1.5s")]
    [TestCase("100ms", "100ms")]
    [TestCase("0", "0s")]
    [TestCase("-2m", "-2m0s")]
    [TestCase("72h", "72h0m0s")]
    public void Format_Duration_MatchesGoString(string text, string expected) =>
        Assert.That(GoDuration.Format(GoDuration.Parse(text)), Is.EqualTo(expected));

    [Test]
    public void Parse_InvalidDuration_ThrowsFormatExceptionWithPhrase() =>
        Assert.That(() => GoDuration.Parse("soon"), Throws.TypeOf<FormatException>().With.Message.Contains("invalid duration"));
}
