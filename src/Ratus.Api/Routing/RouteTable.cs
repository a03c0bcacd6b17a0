namespace Ratus.Api.Routing;

// Matches raw (still percent-encoded) request paths against the API templates, under /v1 and at the root: literals
// exactly as sent, parameters percent-decoded.
// ASP.NET Core's own matcher cannot do this: it rejects empty segments (/v1/topics//tasks/1, which the Go
// client sends for every by-ID call) and sees %2F already decoded into a separator (docs/protocol.md §2.1, D5).
// Every request passes through here, so segments are compared in place and only the matched parameters allocate.
public sealed class RouteTable
{
    // More segments than any template has: such a path matches nothing.
    private const int MaxSegments = 16;

    private readonly Template[] _templates = Array.ConvertAll(ApiRoutes.All, t => new Template(t));

    public RouteMatch? Match(string rawPath)
    {
        // Segments after the leading '/', which every raw path starts with.
        var path = rawPath.AsSpan(rawPath.StartsWith('/') ? 1 : 0);
        Span<Range> segments = stackalloc Range[MaxSegments + 1];
        var count = path.Split(segments, '/');
        if (count > MaxSegments)
        {
            return null;
        }

        var prefixed = count > 0 && path[segments[0]].SequenceEqual(ApiRoutes.Prefix);
        var after = prefixed ? segments[1..count] : segments[..count];
        foreach (var template in _templates)
        {
            if (template.Matches(path, after))
            {
                return new RouteMatch(template.Text, template.Values(path, after), prefixed);
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

        private readonly int _parameterCount = text.Count(c => c == '{');

        public string Text { get; } = text;

        public bool Matches(ReadOnlySpan<char> path, ReadOnlySpan<Range> segments)
        {
            if (segments.Length != _segments.Length)
            {
                return false;
            }

            for (var i = 0; i < segments.Length; i++)
            {
                // As sent: "%74opics" is not "topics", as in the original.
                if (_segments[i].Literal is { } literal && !path[segments[i]].SequenceEqual(literal))
                {
                    return false;
                }
            }

            return true;
        }

        public KeyValuePair<string, string>[] Values(ReadOnlySpan<char> path, ReadOnlySpan<Range> segments)
        {
            var values = new KeyValuePair<string, string>[_parameterCount];
            for (int i = 0, v = 0; i < segments.Length; i++)
            {
                if (_segments[i].Parameter is { } parameter)
                {
                    values[v++] = new(parameter, Decode(path[segments[i]]));
                }
            }

            return values;
        }

        // Exactly once, and '+' stays a plus (docs/protocol.md, D5).
        private static string Decode(ReadOnlySpan<char> segment) =>
            segment.Contains('%') ? Uri.UnescapeDataString(segment) : segment.ToString();
    }
}

// <paramref name="Prefixed"/>: the request came with the /v1 prefix.
public sealed record RouteMatch(string Template, KeyValuePair<string, string>[] Values, bool Prefixed = true);
