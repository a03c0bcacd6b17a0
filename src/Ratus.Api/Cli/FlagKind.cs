namespace Ratus.Api.Cli;

public enum FlagKind
{
    String,
    Int32,
    ByteCount,
    Duration,
    Bool,

    /// `text` (or `simple`) or `json`: the name of the console log formatter.
    LogFormat,

    /// `always`, `everysec` or `no`: when the memdb append-only log is synced.
    FsyncMode,
}
