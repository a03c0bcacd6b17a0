using Ratus.Application.Common;
using Ratus.Infrastructure;
using Ratus.Infrastructure.Chores;
using Ratus.Infrastructure.InMemory;
using Ratus.Infrastructure.MongoDb;

namespace Ratus.Api.Cli;

/// The flags of docs/protocol.md §4, in the order the original prints them, plus --max-body-size and --max-connections.
public static class Flags
{
    public static IReadOnlyList<Flag> All { get; } =
    [
        new("engine", null, "ENGINE", FlagKind.Engine, "ENGINE", Key(EngineOptions.SectionName, nameof(EngineOptions.Name)),
            "memdb", "name of the storage engine (memdb or mongodb)"),
        new("port", "p", "PORT", FlagKind.Port, "PORT", Key(ServerOptions.SectionName, nameof(ServerOptions.Port)),
            "80", "port to listen on; 0 disables the HTTP server"),
        new("bind", "b", "BIND", FlagKind.Address, "BIND", Key(ServerOptions.SectionName, nameof(ServerOptions.Bind)),
            "0.0.0.0", "address to bind to"),
        new("max-body-size", null, "BYTES", FlagKind.ByteCount, "MAX_BODY_SIZE",
            Key(ServerOptions.SectionName, nameof(ServerOptions.MaxBodySize)), "1048576", "largest accepted request body"),
        new("max-connections", null, "MAX-CONNECTIONS", FlagKind.Count, "MAX_CONNECTIONS",
            Key(ServerOptions.SectionName, nameof(ServerOptions.MaxConnections)), "",
            "most connections served at once; more are closed (default: the open-files limit less a reserve)"),
        new("chore-interval", null, "CHORE-INTERVAL", FlagKind.TimerDuration, "CHORE_INTERVAL",
            Key(ChoreOptions.SectionName, nameof(ChoreOptions.Interval)), "10s", "interval between background jobs; 0 disables them"),
        new("chore-initial-delay", null, "CHORE-INITIAL-DELAY", FlagKind.TimerDuration, "CHORE_INITIAL_DELAY",
            Key(ChoreOptions.SectionName, nameof(ChoreOptions.InitialDelay)), "0s", "delay before the first background job"),
        new("chore-initial-random", null, "", FlagKind.Bool, "CHORE_INITIAL_RANDOM",
            Key(ChoreOptions.SectionName, nameof(ChoreOptions.InitialRandom)), "false", "randomize the initial delay within [0, delay)"),
        new("pagination-max-limit", null, "PAGINATION-MAX-LIMIT", FlagKind.Count, "PAGINATION_MAX_LIMIT",
            Key(PaginationOptions.SectionName, nameof(PaginationOptions.MaxLimit)), "100", "maximum number of resources per page"),
        new("pagination-max-offset", null, "PAGINATION-MAX-OFFSET", FlagKind.Int32, "PAGINATION_MAX_OFFSET",
            Key(PaginationOptions.SectionName, nameof(PaginationOptions.MaxOffset)), "10000", "maximum offset of a page"),
        new("memdb-snapshot-path", null, "MEMDB-SNAPSHOT-PATH", FlagKind.String, "MEMDB_SNAPSHOT_PATH",
            Key(MemDbOptions.SectionName, nameof(MemDbOptions.SnapshotPath)), "", "file to persist memdb snapshots to; empty keeps data in memory only"),
        new("memdb-snapshot-interval", null, "MEMDB-SNAPSHOT-INTERVAL", FlagKind.Duration, "MEMDB_SNAPSHOT_INTERVAL",
            Key(MemDbOptions.SectionName, nameof(MemDbOptions.SnapshotInterval)), "5m", "minimum time between memdb snapshots"),
        new("memdb-retention-period", null, "MEMDB-RETENTION-PERIOD", FlagKind.Duration, "MEMDB_RETENTION_PERIOD",
            Key(MemDbOptions.SectionName, nameof(MemDbOptions.RetentionPeriod)), "72h", "how long memdb keeps completed tasks"),
        new("memdb-aof-path", null, "MEMDB-AOF-PATH", FlagKind.String, "MEMDB_AOF_PATH",
            Key(MemDbOptions.SectionName, nameof(MemDbOptions.AofPath)), "", "append-only log of every memdb change; empty turns it off"),
        new("memdb-aof-fsync", null, "MEMDB-AOF-FSYNC", FlagKind.FsyncMode, "MEMDB_AOF_FSYNC",
            Key(MemDbOptions.SectionName, nameof(MemDbOptions.AofFsync)), "everysec", "when the log reaches the disk: always, everysec or no"),
        new("memdb-aof-max-size", null, "BYTES", FlagKind.ByteCount, "MEMDB_AOF_MAX_SIZE",
            Key(MemDbOptions.SectionName, nameof(MemDbOptions.AofMaxSize)), "67108864", "compact the log (snapshot and a new log) past this size"),
        new("memdb-aof-repair", null, "", FlagKind.Bool, "MEMDB_AOF_REPAIR",
            Key(MemDbOptions.SectionName, nameof(MemDbOptions.AofRepair)), "false", "start from the last good record of a log corrupt in the middle"),
        new("mongodb-uri", null, "MONGODB-URI", FlagKind.MongoUri, "MONGODB_URI",
            Key(MongoDbOptions.SectionName, nameof(MongoDbOptions.Uri)), "mongodb://127.0.0.1:27017", "MongoDB connection URI"),
        new("mongodb-database", null, "MONGODB-DATABASE", FlagKind.MongoDatabase, "MONGODB_DATABASE",
            Key(MongoDbOptions.SectionName, nameof(MongoDbOptions.Database)), "ratus", "MongoDB database name"),
        new("mongodb-collection", null, "MONGODB-COLLECTION", FlagKind.MongoCollection, "MONGODB_COLLECTION",
            Key(MongoDbOptions.SectionName, nameof(MongoDbOptions.Collection)), "tasks", "MongoDB collection name"),
        new("mongodb-retention-period", null, "MONGODB-RETENTION-PERIOD", FlagKind.Duration, "MONGODB_RETENTION_PERIOD",
            Key(MongoDbOptions.SectionName, nameof(MongoDbOptions.RetentionPeriod)), "72h", "how long MongoDB keeps completed tasks (whole seconds)"),
        new("mongodb-disable-index-creation", null, "", FlagKind.Bool, "MONGODB_DISABLE_INDEX_CREATION",
            Key(MongoDbOptions.SectionName, nameof(MongoDbOptions.DisableIndexCreation)), "false", "do not create indexes at start-up"),
        new("mongodb-disable-auto-fallback", null, "", FlagKind.Bool, "MONGODB_DISABLE_AUTO_FALLBACK",
            Key(MongoDbOptions.SectionName, nameof(MongoDbOptions.DisableAutoFallback)), "false", "do not switch to the fallback paths automatically"),
        new("mongodb-disable-atomic-poll", null, "", FlagKind.Bool, "MONGODB_DISABLE_ATOMIC_POLL",
            Key(MongoDbOptions.SectionName, nameof(MongoDbOptions.DisableAtomicPoll)), "false", "poll with the fallback path (recommended on MongoDB 5.0+)"),
        new("log-format", null, "LOG-FORMAT", FlagKind.LogFormat, "LOG_FORMAT", LogFormatKey, "text",
            "console log format (text or json, one JSON object per line)"),
    ];

    /// The console formatter's name: `simple` (the default, one line per entry) or `json`.
    public const string LogFormatKey = "Logging:Console:FormatterName";

    private static string Key(string section, string property) => section + ":" + property;
}
