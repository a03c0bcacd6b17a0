using System.CommandLine;
using System.Reflection;
using System.Text;

namespace Ratus.Api.Cli;

/// The `ratus` command line, compatible with the original's go-arg parser: long flags with two dashes or one,
/// `--flag value` or `--flag=value`, bare boolean flags, and an environment variable behind every flag
/// (the flag wins over the variable, the variable over the default).
public static class RatusCommandLine
{
    public const int UsageExitCode = 2;

    public static string Usage { get; } = BuildUsage();

    public static string Version { get; } =
        typeof(RatusCommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(RatusCommandLine).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    public static CommandLineResult Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);

        var help = new Option<bool>("--help", "-h", "-help");
        var version = new Option<bool>("--version", "-version");
        var root = new RootCommand("Ratus: a RESTful asynchronous task queue server.");
        root.Options.Clear();
        root.Directives.Clear();
        root.Options.Add(help);
        root.Options.Add(version);
        var options = new Dictionary<Flag, Option<string>>();
        foreach (var flag in Flags.All)
        {
            var option = CreateOption(flag);
            options.Add(flag, option);
            root.Options.Add(option);
        }

        // No @response files and no bundling: go-arg has neither, and "-chore-initial-delay" must never be read as
        // a bundle of one-letter flags.
        var parsed = root.Parse(args, new ParserConfiguration { EnablePosixBundling = false, ResponseFileTokenReplacer = null });
        if (parsed.GetValue(help))
        {
            return new(CommandLineOutcome.Help, new Dictionary<string, string?>());
        }

        if (parsed.Errors.Count > 0)
        {
            return Fail(parsed.Errors[0].Message);
        }

        if (parsed.GetValue(version))
        {
            return new(CommandLineOutcome.Version, new Dictionary<string, string?>());
        }

        var configuration = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (flag, option) in options)
        {
            string value;
            string source;
            if (parsed.GetResult(option) is { Implicit: false } result)
            {
                // A bare boolean flag has no token and means true.
                value = result.Tokens.Count == 0 ? "true" : result.Tokens[0].Value;
                source = flag.LongForm;
            }
            else if (environment(flag.EnvironmentVariable) is { } variable
                && (variable.Length > 0 || flag.Kind is FlagKind.String or FlagKind.Address))
            {
                // An empty variable counts as unset, except for paths and the address, where it is a value
                // (MEMDB_SNAPSHOT_PATH= turns snapshots off, BIND= listens on every address).
                value = variable;
                source = "environment variable " + flag.EnvironmentVariable;
            }
            else
            {
                continue;
            }

            if (!GoValues.TryConvert(flag.Kind, value, out var converted, out var error))
            {
                return Fail($"error processing {source}: {error}");
            }

            configuration[flag.ConfigurationKey] = converted;
        }

        return new(CommandLineOutcome.Run, configuration);
    }

    /// Prints what a non-running outcome asks for and returns the process exit code, or null when the server should run.
    public static int? Report(CommandLineResult result, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        switch (result.Outcome)
        {
            case CommandLineOutcome.Help:
                output.Write(Usage);
                return 0;
            case CommandLineOutcome.Version:
                output.WriteLine(Version);
                return 0;
            case CommandLineOutcome.Error:
                // The error first: it is what the user needs, and the usage after it would push it off the screen.
                error.WriteLine($"error: {result.Error}");
                error.WriteLine();
                error.Write(Usage);
                return UsageExitCode;
            default:
                return null;
        }
    }

    private static CommandLineResult Fail(string message) =>
        new(CommandLineOutcome.Error, new Dictionary<string, string?>(), message);

    private static Option<string> CreateOption(Flag flag)
    {
        var aliases = flag.Short is null ? new[] { "-" + flag.Name } : ["-" + flag.Name, "-" + flag.Short];
        var option = new Option<string>(flag.LongForm, aliases) { Description = flag.Help };
        if (flag.Kind == FlagKind.Bool)
        {
            // Bare (`--flag`) or with a value (`--flag=false`), like go-arg.
            option.Arity = ArgumentArity.ZeroOrOne;
        }

        return option;
    }

    // The layout of go-arg's usage text, which users of the original know.
    private static string BuildUsage()
    {
        var usage = new StringBuilder("Usage: ratus");
        foreach (var flag in Flags.All)
        {
            usage.Append(flag.Kind == FlagKind.Bool ? $" [{flag.LongForm}]" : $" [{flag.LongForm} {flag.Placeholder}]");
        }

        usage.Append("\n\nOptions:\n");
        var rows = Flags.All.Select(flag => (Names: Names(flag), Help: Describe(flag))).ToList();
        rows.Add(("--help, -h", "display this help and exit"));
        rows.Add(("--version", "display version and exit"));
        var width = rows.Max(row => row.Names.Length) + 3;
        foreach (var (names, help) in rows)
        {
            usage.Append("  ").Append(names.PadRight(width)).Append(help).Append('\n');
        }

        return usage.ToString();
    }

    private static string Names(Flag flag)
    {
        var value = flag.Kind == FlagKind.Bool ? "" : " " + flag.Placeholder;
        return flag.Short is null ? flag.LongForm + value : $"{flag.LongForm}{value}, -{flag.Short}{value}";
    }

    private static string Describe(Flag flag)
    {
        var defaultValue = flag.Kind == FlagKind.Bool || flag.Default.Length == 0 ? "" : $"default: {flag.Default}, ";
        return $"{flag.Help} [{defaultValue}env: {flag.EnvironmentVariable}]";
    }
}
