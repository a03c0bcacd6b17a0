namespace Ratus.Api.Cli;

public enum CommandLineOutcome
{
    Run,
    Help,
    Version,
    Error,
}
