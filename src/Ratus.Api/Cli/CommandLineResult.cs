namespace Ratus.Api.Cli;

/// The parsed command line: configuration values for the option sections (only those given on the command line or
/// in the environment, so that the option classes keep the defaults), or what to print instead of running.
public sealed record CommandLineResult(
    CommandLineOutcome Outcome,
    IReadOnlyDictionary<string, string?> Configuration,
    string? Error = null);
