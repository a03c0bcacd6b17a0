namespace Ratus.Api.Cli;

/// One setting of the original's go-arg command line: a long flag (also accepted with a single dash),
/// an optional short flag, the environment variable it falls back to, and the configuration key it fills.
public sealed record Flag(
    string Name,
    string? Short,
    string Placeholder,
    FlagKind Kind,
    string EnvironmentVariable,
    string ConfigurationKey,
    string Default,
    string Help)
{
    public string LongForm => "--" + Name;
}
