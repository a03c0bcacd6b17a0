namespace Ratus.Api.Cli;

public enum FlagKind
{
    String,
    Int32,
    Int64,
    Duration,
    Bool,
}
