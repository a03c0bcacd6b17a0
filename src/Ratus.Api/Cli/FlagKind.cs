namespace Ratus.Api.Cli;

/// What a flag's value must be. Every kind is checked when the command line is parsed, so that a bad value is a
/// usage error (exit code 2) rather than a failure, or a silent surprise, once the server starts.
public enum FlagKind
{
    String,

    /// A whole number from 0 to 2^31 - 1.
    Int32,

    /// A whole number from 1 to 2^31 - 1: a limit where zero would make the server useless.
    Count,

    /// A TCP port, 0 to 65535; 0 runs no HTTP server.
    Port,

    /// A positive number of bytes.
    ByteCount,

    /// A Go duration, zero or more.
    Duration,

    /// A Go duration, zero or more, that a timer waits for: at most 4294967294 ms (about 49.7 days).
    TimerDuration,

    Bool,

    /// `memdb` or `mongodb`, in any case.
    Engine,

    /// The listen address: empty, an IP address (IPv6 optionally in brackets), `localhost` or a DNS host name.
    Address,

    /// A MongoDB connection string.
    MongoUri,

    /// A MongoDB database name.
    MongoDatabase,

    /// A MongoDB collection name.
    MongoCollection,

    /// `text` (or `simple`) or `json`: the name of the console log formatter.
    LogFormat,

    /// `always`, `everysec` or `no`: when the memdb append-only log is synced.
    FsyncMode,
}
