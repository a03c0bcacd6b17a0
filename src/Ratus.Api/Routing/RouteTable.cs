namespace Ratus.Api.Routing;

// Matches raw (still percent-encoded) request paths against the API templates, under /v1 and at the root.
// ASP.NET Core's own matcher cannot do this: it rejects empty segments (/v1/topics//tasks/1, which the Go
// client sends for every by-ID call) and sees %2F already decoded into a separator (spec §2.1, D5).
public sealed class RouteTable
{
    private readonly Template[] _templates = Array.ConvertAll(ApiRoutes.All, t => new Template(t));

    public RouteMatch? Match(string rawPath)
    {
        var segments = rawPath.Split('/');
        var start = segments.Length > 1 && segments[1] == ApiRoutes.Prefix ? 2 : 1;
        var count = segments.Length - start;
        foreach (var template in _templates)
        {
            if (template.TryMatch(segments, start, count, out var values))
            {
                return new RouteMatch(template.Text, values, start == 2);
            }
        }

        return null;
    }

    private sealed class Template(string text)
    {
        // Segments after the "v1" prefix; a null literal is a parameter.
        private readonly (string? Literal, string? Parameter)[] _segments = text.Split('/')[1..]
            .Select(s => s.StartsWith('{') ? ((string?)null, (string?)s[1..^1]) : (s, null))
            .ToArray();

        public string Text { get; } = text;

        public bool TryMatch(string[] segments, int start, int count, out KeyValuePair<string, string>[] values)
        {
            values = [];
            if (count != _segments.Length)
            {
                return false;
            }

            var parameters = new List<KeyValuePair<string, string>>(2);
            for (var i = 0; i < count; i++)
            {
                var decoded = Decode(segments[start + i]);
                var (literal, parameter) = _segments[i];
                if (parameter is not null)
                {
                    parameters.Add(new(parameter, decoded));
                }
                else if (!string.Equals(literal, decoded, StringComparison.Ordinal))
                {
                    return false;
                }
            }

            values = [.. parameters];
            return true;
        }

        // Exactly once, and '+' stays a plus (spec D5).
        private static string Decode(string segment) =>
            segment.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(segment) : segment;
    }
}

// <paramref name="Prefixed"/>: the request came with the /v1 prefix.
public sealed record RouteMatch(string Template, KeyValuePair<string, string>[] Values, bool Prefixed = true);
