using Ratus.Api.Json;
using Ratus.Domain.Time;

namespace Ratus.Api.Tests.Json;

public sealed class Rfc3339Tests
{
    // As the wire writer formats a time.
    private static string Format(Timestamp utc)
    {
        Span<byte> text = stackalloc byte[30];
        Assert.That(Rfc3339.TryFormat(utc, text, out var written), Is.True);
        return System.Text.Encoding.ASCII.GetString(text[..written]);
    }

    [TestCase("2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z")]
    [TestCase("2021-01-01T08:00:00+08:00", "2021-01-01T00:00:00Z")]
    [TestCase("2021-01-01T00:00:00-01:30", "2021-01-01T01:30:00Z")]
    [TestCase("2026-11-28T11:37:26.9617Z", "2026-11-28T11:37:26.9617Z")]
    [TestCase("2026-11-28T11:37:26.123456789Z", "2026-11-28T11:37:26.123456789Z")]
    [TestCase("2026-11-28T11:37:26.123456789+05:30", "2026-11-28T06:07:26.123456789Z")]
    [TestCase("2026-11-28T11:37:26.500000Z", "2026-11-28T11:37:26.5Z")]
    [TestCase("2024-02-29T23:59:59Z", "2024-02-29T23:59:59Z")]
    [TestCase("9999-12-31T23:59:59.999999999Z", "9999-12-31T23:59:59.999999999Z")]
    [TestCase("0001-01-01T00:00:00.000000001Z", "0001-01-01T00:00:00.000000001Z")]
    public void TryParse_Rfc3339_FormatsAsUtcWithTrimmedFraction(string input, string expected)
    {
        var ok = Rfc3339.TryParse(input, out var utc, out var error);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ok, Is.True, error);
            Assert.That(Format(utc), Is.EqualTo(expected));
        }
    }

    // One to nine digits, every digit kept and the trailing zeros trimmed, as Go's RFC3339Nano writes them.
    [TestCase(".1", ".1", 100_000_000)]
    [TestCase(".12", ".12", 120_000_000)]
    [TestCase(".123", ".123", 123_000_000)]
    [TestCase(".1234", ".1234", 123_400_000)]
    [TestCase(".12345", ".12345", 123_450_000)]
    [TestCase(".123456", ".123456", 123_456_000)]
    [TestCase(".1234567", ".1234567", 123_456_700)]
    [TestCase(".12345678", ".12345678", 123_456_780)]
    [TestCase(".123456789", ".123456789", 123_456_789)]
    [TestCase(".000000001", ".000000001", 1)]
    [TestCase(".000000010", ".00000001", 10)]
    [TestCase(".000000100", ".0000001", 100)]
    [TestCase(".100000000", ".1", 100_000_000)]
    [TestCase(".000000000", "", 0)]
    [TestCase(".0", "", 0)]
    public void TryParse_OneToNineDigits_KeepsEveryNanosecond(string fraction, string written, int nanoseconds)
    {
        var ok = Rfc3339.TryParse($"2026-12-03T10:00:00{fraction}Z", out var utc, out var error);

        var second = new DateTime(2026, 12, 3, 10, 0, 0, DateTimeKind.Utc).Ticks;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ok, Is.True, error);
            Assert.That(utc, Is.EqualTo(new Timestamp(second + nanoseconds / 100, nanoseconds % 100)));
            Assert.That(Format(utc), Is.EqualTo($"2026-12-03T10:00:00{written}Z"));
        }
    }

    [Test]
    public void TryFormat_DestinationTooShort_WritesNothing()
    {
        Span<byte> text = stackalloc byte[29];
        Assert.That(Rfc3339.TryFormat(new Timestamp(DateTime.UnixEpoch.Ticks, 1), text, out var written), Is.False);
        Assert.That(written, Is.Zero);
    }

    [TestCase("2021-01-01", "parsing time \"2021-01-01\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"\" as \"T\"")]
    [TestCase("2021-1-01T00:00:00Z", "parsing time \"2021-1-01T00:00:00Z\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"1-01T00:00:00Z\" as \"01\"")]
    [TestCase("2021-01-01T00:00:00", "parsing time \"2021-01-01T00:00:00\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"\" as \"Z07:00\"")]
    [TestCase("2021-13-01T00:00:00Z", "parsing time \"2021-13-01T00:00:00Z\": month out of range")]
    [TestCase("2021-02-29T00:00:00Z", "parsing time \"2021-02-29T00:00:00Z\": day out of range")]
    [TestCase("2021-01-01T24:00:00Z", "parsing time \"2021-01-01T24:00:00Z\": hour out of range")]
    [TestCase("2021-01-01T00:00:00Zjunk", "parsing time \"2021-01-01T00:00:00Zjunk\": extra text: \"junk\"")]
    [TestCase("2021-01-01T00:00:00.Z", "parsing time \"2021-01-01T00:00:00.Z\": fractional second out of range")]
    [TestCase("2021-01-01T00:00:00.1234567890Z", "parsing time \"2021-01-01T00:00:00.1234567890Z\": fractional second out of range")]
    [TestCase("9999-12-31T23:59:59-00:01", "parsing time \"9999-12-31T23:59:59-00:01\": time out of range")]
    [TestCase("0001-01-01T00:00:00+00:01", "parsing time \"0001-01-01T00:00:00+00:01\": time out of range")]
    [TestCase("tomorrow", "parsing time \"tomorrow\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"tomorrow\" as \"2006\"")]
    public void TryParse_NotRfc3339_FailsLikeGo(string input, string expected)
    {
        var ok = Rfc3339.TryParse(input, out _, out var error);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ok, Is.False);
            Assert.That(error, Is.EqualTo(expected));
        }
    }
}
