namespace Ratus.Api.Cli;

public enum FlagKind
{
    String,
    Int32,
    ByteCount,
    Duration,
    Bool,
}
