using Ratus.Api.Json;

namespace Ratus.Api.Tests.Json;

public sealed class Rfc3339Tests
{
    // As the wire writer formats a time.
    private static string Format(DateTime utc)
    {
        Span<byte> text = stackalloc byte[40];
        Assert.That(Rfc3339.TryFormat(utc, text, out var written), Is.True);
        return System.Text.Encoding.ASCII.GetString(text[..written]);
    }

    [TestCase("2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z")]
    [TestCase("2021-01-01T08:00:00+08:00", "2021-01-01T00:00:00Z")]
    [TestCase("2021-01-01T00:00:00-01:30", "2021-01-01T01:30:00Z")]
    [TestCase("2026-11-28T11:37:26.9617Z", "2026-11-28T11:37:26.9617Z")]
    [TestCase("2026-11-28T11:37:26.123456789Z", "2026-11-28T11:37:26.1234567Z")]
    [TestCase("2026-11-28T11:37:26.500000Z", "2026-11-28T11:37:26.5Z")]
    [TestCase("2024-02-29T23:59:59Z", "2024-02-29T23:59:59Z")]
    public void TryParse_Rfc3339_FormatsAsUtcWithTrimmedFraction(string input, string expected)
    {
        var ok = Rfc3339.TryParse(input, out var utc, out var error);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ok, Is.True, error);
            Assert.That(utc.Kind, Is.EqualTo(DateTimeKind.Utc));
            Assert.That(Format(utc), Is.EqualTo(expected));
        }
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
