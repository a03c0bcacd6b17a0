using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Ratus.Api.Tests.Support;
using Ratus.Infrastructure.Metrics;

namespace Ratus.Api.Tests.Metrics;

/// One sample line of the Prometheus text format: name, labels, value.
public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string? this[string label] => Labels.GetValueOrDefault(label);
}

/// A scrape of /metrics, parsed.
public sealed partial class Exposition(string text)
{
    public string Text { get; } = text;

    public IReadOnlyList<Sample> Samples { get; } = Parse(text);

    /// Scrapes the server, after refreshing the queue gauges from the engine (the background sampler does that
    /// every few seconds on its own).
    public static async Task<Exposition> ScrapeAsync(RatusApiFactory factory, HttpClient client, string path = "/metrics")
    {
        await factory.Services.GetRequiredService<QueueStatisticsSampler>().SampleAsync(CancellationToken.None);
        using var response = await client.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return new Exposition(await response.Content.ReadAsStringAsync());
    }

    /// The samples of <paramref name="name"/> whose labels include every given pair.
    public IEnumerable<Sample> Where(string name, params (string Label, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s[l.Label] == l.Value));

    /// The value of the one sample that matches, or null when none does.
    public double? Value(string name, params (string Label, string Value)[] labels) =>
        Where(name, labels).Select(s => (double?)s.Value).SingleOrDefault();

    private static List<Sample> Parse(string text)
    {
        var samples = new List<Sample>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var match = SampleLine().Match(line);
            if (!match.Success)
            {
                throw new FormatException($"not a sample line: {line}");
            }

            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match label in LabelPair().Matches(match.Groups["labels"].Value))
            {
                labels[label.Groups["name"].Value] = Regex.Unescape(label.Groups["value"].Value);
            }

            var value = match.Groups["value"].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                var v => double.Parse(v, CultureInfo.InvariantCulture),
            };
            samples.Add(new Sample(match.Groups["name"].Value, labels, value));
        }

        return samples;
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)( \d+)?$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex("""(?<name>[a-zA-Z_][a-zA-Z0-9_]*)="(?<value>(\\.|[^"\\])*)",?""")]
    private static partial Regex LabelPair();
}
