using System.Text.Json.Serialization;

namespace Ratus.Samples.CrawlFrontier;

/// <summary>The payload of a crawl task, with the original's JSON names, so that its Go crawler reads the same tasks.</summary>
public sealed record Page
{
    [JsonPropertyName("URL")]
    public string Url { get; init; } = "";

    [JsonPropertyName("Trace")]
    public Trace Trace { get; init; } = new();
}

/// <summary>Where a page was found: the ID of the task that found it, and how many links away from a seed it is.</summary>
public sealed record Trace
{
    [JsonPropertyName("Referrer")]
    public string Referrer { get; init; } = "";

    [JsonPropertyName("Depth")]
    public int Depth { get; init; }
}
