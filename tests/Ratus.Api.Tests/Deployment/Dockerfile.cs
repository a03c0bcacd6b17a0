using System.Text.RegularExpressions;

namespace Ratus.Api.Tests.Deployment;

/// The instructions of a Dockerfile: comments dropped, continuation lines joined, split into build stages.
internal sealed partial class DockerfileModel
{
    private DockerfileModel(IReadOnlyList<Stage> stages)
    {
        Stages = stages;
    }

    public IReadOnlyList<Stage> Stages { get; }

    public Stage Final => Stages[^1];

    public Stage StageNamed(string name) => Stages.Single(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    public static DockerfileModel Load(string path)
    {
        var stages = new List<Stage>();
        foreach (var (keyword, arguments) in Instructions(File.ReadAllLines(path)))
        {
            if (keyword == "FROM")
            {
                var parts = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var name = parts.Length >= 3 && parts[^2].Equals("AS", StringComparison.OrdinalIgnoreCase) ? parts[^1] : null;
                stages.Add(new Stage(parts.First(p => !p.StartsWith("--", StringComparison.Ordinal)), name));
            }
            else
            {
                Assert.That(stages, Is.Not.Empty, $"{keyword} before the first FROM");
                stages[^1].Instructions.Add(new Instruction(keyword, arguments));
            }
        }

        return new DockerfileModel(stages);
    }

    /// `KEY=value KEY2=value2` (the form this project uses); quoted values may hold spaces.
    public static IReadOnlyList<KeyValuePair<string, string>> ParseEnv(string arguments)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (Match match in EnvPair().Matches(arguments))
        {
            var value = match.Groups["value"].Value;
            if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
            {
                value = value[1..^1];
            }

            pairs.Add(new(match.Groups["key"].Value, value));
        }

        Assert.That(EnvPair().Replace(arguments, "").Trim(), Is.Empty, $"ENV {arguments} is not in KEY=value form");
        return pairs;
    }

    private static IEnumerable<(string Keyword, string Arguments)> Instructions(IEnumerable<string> lines)
    {
        var pending = "";
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && pending.Length == 0))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1].Trim() + " ";
                continue;
            }

            var whole = (pending + line).Trim();
            pending = "";
            if (whole.Length == 0)
            {
                continue;
            }

            var space = whole.IndexOf(' ', StringComparison.Ordinal);
            yield return space < 0 ? (whole.ToUpperInvariant(), "") : (whole[..space].ToUpperInvariant(), whole[(space + 1)..].Trim());
        }
    }

    [GeneratedRegex("""(?<key>[A-Za-z_][A-Za-z0-9_]*)=(?<value>"[^"]*"|[^\s"]*)""")]
    private static partial Regex EnvPair();

    internal sealed record Instruction(string Keyword, string Arguments);

    internal sealed class Stage(string image, string? name)
    {
        public string Image => image;

        public string? Name => name;

        public List<Instruction> Instructions { get; } = [];

        public IEnumerable<string> Arguments(string keyword) =>
            Instructions.Where(i => i.Keyword == keyword).Select(i => i.Arguments);

        public IReadOnlyDictionary<string, string> Env =>
            Arguments("ENV").SelectMany(ParseEnv).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
    }
}
