using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Ratus.Api.Tests.Deployment;

/// The Dockerfile cannot be built here (no Docker engine), so its facts are checked one by one.
public sealed partial class DockerfileTests
{
    // docs/protocol.md §4: the environment the original image sets.
    private static readonly Dictionary<string, string> OriginalImageEnv = new(StringComparer.Ordinal)
    {
        ["GIN_MODE"] = "release", ["ENGINE"] = "memdb", ["PORT"] = "80", ["ADDR"] = "0.0.0.0",
        ["CHORE_INTERVAL"] = "10s", ["CHORE_INITIAL_DELAY"] = "10s", ["CHORE_INITIAL_RANDOM"] = "true",
        ["PAGINATION_MAX_LIMIT"] = "100", ["PAGINATION_MAX_OFFSET"] = "10000", ["MEMDB_SNAPSHOT_PATH"] = "/ratus.db",
        ["MEMDB_SNAPSHOT_INTERVAL"] = "5m", ["MEMDB_RETENTION_PERIOD"] = "72h", ["MONGODB_URI"] = "mongodb://mongo:27017",
        ["MONGODB_DATABASE"] = "ratus", ["MONGODB_COLLECTION"] = "tasks", ["MONGODB_RETENTION_PERIOD"] = "72h",
        ["MONGODB_DISABLE_INDEX_CREATION"] = "false", ["MONGODB_DISABLE_AUTO_FALLBACK"] = "false",
        ["MONGODB_DISABLE_ATOMIC_POLL"] = "false",
    };

    // The base image sets ASPNETCORE_HTTP_PORTS=8080; the Dockerfile empties it so Kestrel does not warn that the
    // PORT/BIND endpoint overrides it. It is the only variable that is not one of the server's flags.
    private const string EmptiedBaseImageVariable = "ASPNETCORE_HTTP_PORTS";

    internal static string DockerfilePath => Path.Combine(DeploymentFiles.RepositoryRoot, "Dockerfile");

    internal static DockerfileModel Model => DockerfileModel.Load(DockerfilePath);

    /// The final stage's ENV block, exactly as the image sets it.
    internal static IReadOnlyDictionary<string, string> ImageEnvironment => Model.Final.Env;

    internal static int ImagePort => int.Parse(ImageEnvironment["PORT"], System.Globalization.CultureInfo.InvariantCulture);

    /// The HEALTHCHECK's exec-form command.
    internal static IReadOnlyList<string> HealthCheckCommand
    {
        get
        {
            var arguments = Model.Final.Arguments("HEALTHCHECK").Single();
            var json = arguments[(arguments.IndexOf(" CMD ", StringComparison.Ordinal) + 5)..];
            return JsonSerializer.Deserialize<string[]>(json)!;
        }
    }

    [Test]
    public void Stages_BuildOnTheSdkAndRunOnTheAspNetRuntime_OfTheSdkMajorInGlobalJson()
    {
        var sdkMajor = JsonDocument.Parse(File.ReadAllText(Path.Combine(DeploymentFiles.RepositoryRoot, "global.json")))
            .RootElement.GetProperty("sdk").GetProperty("version").GetString()!.Split('.')[0];
        Assert.Multiple(() =>
        {
            Assert.That(Model.Stages, Has.Count.EqualTo(2));
            Assert.That(Model.StageNamed("build").Image, Is.EqualTo($"mcr.microsoft.com/dotnet/sdk:{sdkMajor}.0"));
            Assert.That(Model.Final.Image, Is.EqualTo($"mcr.microsoft.com/dotnet/aspnet:{sdkMajor}.0"));
        });
    }

    [Test]
    public void Env_NamesAreVariablesTheServerReads()
    {
        var unknown = ImageEnvironment.Keys
            .Where(k => k != EmptiedBaseImageVariable && !DeploymentFiles.ServerEnvironmentVariables.Contains(k))
            .ToList();
        Assert.Multiple(() =>
        {
            Assert.That(unknown, Is.Empty, "ENV names the server does not read (see Ratus.Api.Cli.Flags.All)");
            Assert.That(ImageEnvironment[EmptiedBaseImageVariable], Is.Empty);
        });
    }

    [Test]
    public void Env_IsTheOriginalImagesDefaults_WithBindPort8080AndTheSnapshotOnTheDataVolume()
    {
        var expected = new Dictionary<string, string>(OriginalImageEnv, StringComparer.Ordinal);
        expected.Remove("GIN_MODE");          // configured the Go web framework
        expected.Remove("ADDR");              // never read by the original; BIND is the real variable
        expected["BIND"] = OriginalImageEnv["ADDR"];
        expected["PORT"] = "8080";            // non-root cannot bind 80
        expected["MEMDB_SNAPSHOT_PATH"] = "/data/ratus.db";
        expected[EmptiedBaseImageVariable] = "";

        Assert.That(ImageEnvironment, Is.EquivalentTo(expected));
    }

    [Test]
    public void Expose_IsThePortDefault()
    {
        Assert.That(Model.Final.Arguments("EXPOSE").Single(), Is.EqualTo(ImagePort.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public void Entrypoint_IsThePublishedRatusExecutable()
    {
        var entrypoint = JsonSerializer.Deserialize<string[]>(Model.Final.Arguments("ENTRYPOINT").Single())!;
        var publish = Model.StageNamed("build").Arguments("RUN").Single(r => r.Contains("dotnet publish", StringComparison.Ordinal));
        var output = PublishOutput().Match(publish).Groups[1].Value;
        var copied = Model.Final.Arguments("COPY").Single(c => c.StartsWith("--from=build ", StringComparison.Ordinal)).Split(' ');
        var workdir = Model.Final.Arguments("WORKDIR").Last();

        Assert.Multiple(() =>
        {
            Assert.That(entrypoint, Has.Length.EqualTo(1), "exec form, so arguments of `docker run` reach ratus");
            Assert.That(Path.GetFileName(entrypoint[0]), Is.EqualTo("ratus"));
            Assert.That(publish, Does.Contain("src/Ratus.Api/Ratus.Api.csproj"));
            Assert.That(copied[1], Is.EqualTo(output), "the runtime stage copies the publish output");
            Assert.That(copied[2] == "./" ? workdir : copied[2], Is.EqualTo(Path.GetDirectoryName(entrypoint[0])));
        });
    }

    [Test]
    public void RuntimeUser_IsNotRoot_AndOwnsTheDataVolume()
    {
        var user = Model.Final.Arguments("USER").Single();
        var volume = Model.Final.Arguments("VOLUME").Single();
        var setup = string.Join(" && ", Model.Final.Arguments("RUN"));
        var userIndex = Model.Final.Instructions.FindIndex(i => i.Keyword == "USER");
        var volumeIndex = Model.Final.Instructions.FindIndex(i => i.Keyword == "VOLUME");
        var chownIndex = Model.Final.Instructions.FindIndex(i => i.Keyword == "RUN" && i.Arguments.Contains("chown", StringComparison.Ordinal));

        Assert.Multiple(() =>
        {
            Assert.That(user, Is.Not.EqualTo("root").And.Not.EqualTo("0").And.Not.StartWith("0:"));
            Assert.That(volume, Is.EqualTo("/data"));
            Assert.That(ImageEnvironment["MEMDB_SNAPSHOT_PATH"], Does.StartWith(volume + "/"));
            Assert.That(setup, Does.Contain($"mkdir -p {volume}").And.Contain($"chown \"{user}:{user}\" {volume}"));
            Assert.That(chownIndex, Is.LessThan(volumeIndex), "changes after VOLUME are discarded");
            Assert.That(chownIndex, Is.LessThan(userIndex), "chown needs root");
        });
    }

    [Test]
    public void HealthCheck_CallsLivez()
    {
        Assert.Multiple(() =>
        {
            Assert.That(HealthCheckCommand[0], Is.EqualTo("bash"));
            Assert.That(string.Join(' ', HealthCheckCommand), Does.Contain("GET /livez ").And.Contain("${PORT:-" + ImagePort + "}"));
        });
    }

    [Test]
    public void BuildStage_CopiesOnlyFilesThatExistInTheBuildContext()
    {
        var ignore = DockerIgnore.Load(Path.Combine(DeploymentFiles.RepositoryRoot, ".dockerignore"));
        var sources = CopySources().ToList();
        Assert.That(sources, Is.Not.Empty);
        Assert.Multiple(() =>
        {
            foreach (var source in sources)
            {
                var full = Path.Combine(DeploymentFiles.RepositoryRoot, source);
                Assert.That(File.Exists(full) || Directory.Exists(full), Is.True, $"COPY source {source} does not exist");
                Assert.That(ignore.Excludes(source.TrimEnd('/')), Is.False, $"COPY source {source} is excluded by .dockerignore");
            }
        });
    }

    [Test]
    public void RestoreLayer_CopiesEveryProjectTheServerReferences()
    {
        var build = Model.StageNamed("build");
        var restoreIndex = build.Instructions.FindIndex(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet restore", StringComparison.Ordinal));
        Assert.That(restoreIndex, Is.GreaterThan(0), "a separate restore step");
        var beforeRestore = build.Instructions.Take(restoreIndex).Where(i => i.Keyword == "COPY")
            .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1]).ToHashSet(StringComparer.Ordinal);

        var needed = ProjectClosure("src/Ratus.Api/Ratus.Api.csproj").Concat(["global.json", "Directory.Build.props", "Directory.Packages.props"]);
        Assert.That(beforeRestore, Is.SupersetOf(needed));
    }

    private static IEnumerable<string> CopySources() =>
        Model.Stages.SelectMany(s => s.Arguments("COPY"))
            .Where(a => !a.StartsWith("--from", StringComparison.Ordinal))
            .SelectMany(a => a.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1])
            .Where(a => !a.StartsWith("--", StringComparison.Ordinal));

    private static SortedSet<string> ProjectClosure(string project)
    {
        var result = new SortedSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>([project]);
        while (queue.TryDequeue(out var current))
        {
            if (!result.Add(current))
            {
                continue;
            }

            var directory = Path.GetDirectoryName(current)!;
            foreach (var reference in XDocument.Load(Path.Combine(DeploymentFiles.RepositoryRoot, current)).Descendants("ProjectReference"))
            {
                var relative = Path.GetRelativePath(DeploymentFiles.RepositoryRoot,
                    Path.GetFullPath(Path.Combine(DeploymentFiles.RepositoryRoot, directory, reference.Attribute("Include")!.Value.Replace('\\', '/'))));
                queue.Enqueue(relative.Replace('\\', '/'));
            }
        }

        return result;
    }

    [GeneratedRegex(@"\s-o\s+(\S+)")]
    private static partial Regex PublishOutput();
}

/// The subset of .dockerignore syntax this project uses: `*`, `**/` and directory patterns (no `!` exceptions).
internal sealed class DockerIgnore(IReadOnlyList<Regex> patterns)
{
    public static DockerIgnore Load(string path) => new(File.ReadAllLines(path)
        .Select(l => l.Trim())
        .Where(l => l.Length > 0 && !l.StartsWith('#'))
        .Select(l =>
        {
            Assert.That(l, Does.Not.StartWith("!"), "exceptions are not supported by this check");
            var pattern = Regex.Escape(l.TrimEnd('/')).Replace(@"\*\*/", "(.*/)?", StringComparison.Ordinal).Replace(@"\*", "[^/]*", StringComparison.Ordinal);
            // A pattern that matches a directory excludes everything below it.
            return new Regex($"^{pattern}(/.*)?$", RegexOptions.CultureInvariant);
        })
        .ToList());

    public bool Excludes(string relativePath) => patterns.Any(p => p.IsMatch(relativePath));
}
