using Ratus.Api.Cli;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Ratus.Api.Tests.Deployment;

/// The repository's deployment files, found from the test assembly's directory upwards, and YAML loaded into plain
/// dictionaries, lists and strings.
internal static class DeploymentFiles
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string RepositoryRoot => Root.Value;

    public static string ComposeFile => Path.Combine(RepositoryRoot, "docker-compose.yml");

    public static string DeploymentsDirectory => Path.Combine(RepositoryRoot, "deployments");

    public static string KubernetesDirectory => Path.Combine(DeploymentsDirectory, "kubernetes");

    public static string MemDbComposeFile => Path.Combine(DeploymentsDirectory, "docker-compose.memdb.yml");

    /// The environment variables the server reads, taken from its own flag table.
    public static IReadOnlySet<string> ServerEnvironmentVariables { get; } =
        Flags.All.Select(f => f.EnvironmentVariable).ToHashSet(StringComparer.Ordinal);

    /// Every YAML file the deployment ships: the root compose file and everything under deployments/.
    public static IReadOnlyList<string> AllYamlFiles() =>
        [ComposeFile, .. Directory.EnumerateFiles(DeploymentsDirectory, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yml", StringComparison.Ordinal) || f.EndsWith(".yaml", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];

    /// The documents of a YAML file (a Kubernetes manifest may hold several, separated by `---`).
    public static IReadOnlyList<object?> LoadYaml(string path)
    {
        var deserializer = new DeserializerBuilder().Build();
        using var reader = new StreamReader(path);
        var parser = new Parser(reader);
        parser.Consume<StreamStart>();
        var documents = new List<object?>();
        while (parser.Accept<DocumentStart>(out _))
        {
            documents.Add(deserializer.Deserialize<object?>(parser));
        }

        return documents;
    }

    public static Node LoadSingle(string path)
    {
        var documents = LoadYaml(path);
        Assert.That(documents, Has.Count.EqualTo(1), $"{path} holds one YAML document");
        return new Node(documents[0], Path.GetFileName(path));
    }

    public static IReadOnlyList<Node> LoadAll(string path) =>
        LoadYaml(path).Where(d => d is not null).Select(d => new Node(d, Path.GetFileName(path))).ToList();

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Ratus.sln")) && File.Exists(Path.Combine(directory.FullName, "Directory.Packages.props")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no repository root above {AppContext.BaseDirectory}");
    }
}

/// A navigable view of a deserialized YAML value; `Where` says where it came from in assertion messages.
internal sealed class Node(object? value, string where)
{
    public object? Value => value;

    public string Where => where;

    public bool Exists => value is not null;

    public Node this[string key] => value is IDictionary<object, object?> map && map.TryGetValue(key, out var child)
        ? new Node(child, $"{where}.{key}")
        : new Node(null, $"{where}.{key}");

    public Node this[int index] => value is IList<object?> list && index < list.Count
        ? new Node(list[index], $"{where}[{index}]")
        : new Node(null, $"{where}[{index}]");

    public string? Text => value as string;

    public string String => value as string ?? throw new AssertionException($"{where} is not a string but {Describe()}");

    public IReadOnlyList<Node> Items => value is IList<object?> list
        ? list.Select((item, i) => new Node(item, $"{where}[{i}]")).ToList()
        : throw new AssertionException($"{where} is not a list but {Describe()}");

    public IReadOnlyDictionary<string, Node> Map => value is IDictionary<object, object?> map
        ? map.ToDictionary(e => (string)e.Key, e => new Node(e.Value, $"{where}.{e.Key}"), StringComparer.Ordinal)
        : throw new AssertionException($"{where} is not a mapping but {Describe()}");

    public IReadOnlyList<string> Strings => Items.Select(i => i.String).ToList();

    /// A mapping of scalars (labels, selectors, compose `environment:` in mapping form).
    public IReadOnlyDictionary<string, string> StringMap => Map.ToDictionary(e => e.Key, e => e.Value.Text ?? "", StringComparer.Ordinal);

    private string Describe() => value is null ? "missing" : value.GetType().Name;
}
