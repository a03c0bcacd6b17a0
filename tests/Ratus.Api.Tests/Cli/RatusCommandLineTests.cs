using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Ratus.Api.Cli;
using Ratus.Application.Common;
using Ratus.Infrastructure;
using Ratus.Infrastructure.Chores;
using Ratus.Infrastructure.InMemory;
using Ratus.Infrastructure.MongoDb;

namespace Ratus.Api.Tests.Cli;

public sealed class RatusCommandLineTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    // One bad value per kind of flag, and every flag of that kind refuses it, from the command line and from its
    // environment variable.
    private static readonly Dictionary<FlagKind, string> BadValues = new()
    {
        [FlagKind.Int32] = "-1",
        [FlagKind.Count] = "0",
        [FlagKind.Port] = "65536",
        [FlagKind.ByteCount] = "0",
        [FlagKind.Duration] = "-1s",
        [FlagKind.TimerDuration] = "1193h2m47.295s",
        [FlagKind.Bool] = "yes",
        [FlagKind.Engine] = "foo",
        [FlagKind.Address] = "127.0.0.1:8080",
        [FlagKind.MongoUri] = "localhost:27017",
        [FlagKind.MongoDatabase] = "my.db",
        [FlagKind.MongoCollection] = "system.tasks",
        [FlagKind.LogFormat] = "xml",
        [FlagKind.FsyncMode] = "sometimes",
    };

    [Test]
    public void Parse_Scenario25_ShortPortAndBindWithEquals()
    {
        var server = Bind<ServerOptions>(ServerOptions.SectionName, "-p", "8000", "--bind=192.168.1.1");

        Assert.Multiple(() =>
        {
            Assert.That(server.Port, Is.EqualTo(8000));
            Assert.That(server.Bind, Is.EqualTo("192.168.1.1"));
            Assert.That(server.MaxBodySize, Is.EqualTo(1048576));
        });
    }

    [Test]
    public void Parse_Scenario26_ChoreDurationsSingleDashAndBareBool()
    {
        var chore = Bind<ChoreOptions>(ChoreOptions.SectionName,
            "--chore-interval", "3m", "-chore-initial-delay", "3500ms", "--chore-initial-random");

        Assert.Multiple(() =>
        {
            Assert.That(chore.Interval, Is.EqualTo(TimeSpan.FromMinutes(3)));
            Assert.That(chore.InitialDelay, Is.EqualTo(TimeSpan.FromSeconds(3.5)));
            Assert.That(chore.InitialRandom, Is.True);
        });
    }

    [Test]
    public void Parse_Scenario27_PaginationWithEquals()
    {
        var pagination = Bind<PaginationOptions>(PaginationOptions.SectionName,
            "--pagination-max-limit=15", "--pagination-max-offset=99");

        Assert.Multiple(() =>
        {
            Assert.That(pagination.MaxLimit, Is.EqualTo(15));
            Assert.That(pagination.MaxOffset, Is.EqualTo(99));
        });
    }

    [Test]
    public void Parse_Scenario28_MemDb()
    {
        var memDb = Bind<MemDbOptions>(MemDbOptions.SectionName,
            "--memdb-snapshot-path", "test.db", "--memdb-snapshot-interval", "20s", "--memdb-retention-period", "24h");

        Assert.Multiple(() =>
        {
            Assert.That(memDb.SnapshotPath, Is.EqualTo("test.db"));
            Assert.That(memDb.SnapshotInterval, Is.EqualTo(TimeSpan.FromSeconds(20)));
            Assert.That(memDb.RetentionPeriod, Is.EqualTo(TimeSpan.FromHours(24)));
        });
    }

    [Test]
    public void Parse_MemDbAppendOnlyLog()
    {
        var defaults = Bind<MemDbOptions>(MemDbOptions.SectionName);
        var memDb = Bind<MemDbOptions>(MemDbOptions.SectionName,
            "--memdb-aof-path", "ratus.aof", "--memdb-aof-fsync", "No", "--memdb-aof-max-size", "4096", "--memdb-aof-repair");

        Assert.Multiple(() =>
        {
            Assert.That((defaults.AofPath, defaults.AofFsync, defaults.AofMaxSize, defaults.AofRepair),
                Is.EqualTo(("", AofFsyncMode.Everysec, 64L << 20, false)));
            Assert.That((memDb.AofPath, memDb.AofFsync, memDb.AofMaxSize, memDb.AofRepair),
                Is.EqualTo(("ratus.aof", AofFsyncMode.No, 4096L, true)));
        });
    }

    [Test]
    public void Parse_Scenario29_MongoDb()
    {
        var mongoDb = Bind<MongoDbOptions>(MongoDbOptions.SectionName,
            "--mongodb-uri=mongodb://user:pass@127.0.0.1:27017/?readPreference=nearest",
            "--mongodb-database", "test",
            "--mongodb-retention-period", "24h",
            "--mongodb-disable-index-creation");

        Assert.Multiple(() =>
        {
            Assert.That(mongoDb.Uri, Is.EqualTo("mongodb://user:pass@127.0.0.1:27017/?readPreference=nearest"));
            Assert.That(mongoDb.Database, Is.EqualTo("test"));
            Assert.That(mongoDb.Collection, Is.EqualTo("tasks"));
            Assert.That(mongoDb.RetentionPeriod, Is.EqualTo(TimeSpan.FromHours(24)));
            Assert.That(mongoDb.DisableIndexCreation, Is.True);
            Assert.That(mongoDb.DisableAutoFallback, Is.False);
            Assert.That(mongoDb.DisableAtomicPoll, Is.False);
        });
    }

    [Test]
    public void Parse_NoArguments_LeavesEveryDefaultToTheOptionClasses()
    {
        var result = RatusCommandLine.Parse([], NoEnvironment);

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(CommandLineOutcome.Run));
            Assert.That(result.Configuration, Is.Empty);
            Assert.That(BindFrom<EngineOptions>(result, EngineOptions.SectionName).Name, Is.EqualTo("memdb"));
            Assert.That(BindFrom<ServerOptions>(result, ServerOptions.SectionName).Port, Is.EqualTo(80));
            Assert.That(BindFrom<ChoreOptions>(result, ChoreOptions.SectionName).Interval, Is.EqualTo(TimeSpan.FromSeconds(10)));
        });
    }

    [Test]
    public void Parse_EveryFlagHasAnEnvironmentFallback()
    {
        var environment = new Dictionary<string, string>
        {
            ["ENGINE"] = "MemDB",
            ["PORT"] = "8080",
            ["BIND"] = "::1",
            ["MAX_BODY_SIZE"] = "2048",
            ["MAX_CONNECTIONS"] = "300",
            ["CHORE_INTERVAL"] = "1m30s",
            ["CHORE_INITIAL_DELAY"] = "10s",
            ["CHORE_INITIAL_RANDOM"] = "T",
            ["PAGINATION_MAX_LIMIT"] = "50",
            ["PAGINATION_MAX_OFFSET"] = "500",
            ["MEMDB_SNAPSHOT_PATH"] = "/ratus.db",
            ["MEMDB_SNAPSHOT_INTERVAL"] = "1m",
            ["MEMDB_RETENTION_PERIOD"] = "1h",
            ["MEMDB_AOF_PATH"] = "/ratus.aof",
            ["MEMDB_AOF_FSYNC"] = "always",
            ["MEMDB_AOF_MAX_SIZE"] = "1024",
            ["MEMDB_AOF_REPAIR"] = "true",
            ["MONGODB_URI"] = "mongodb://mongo:27017",
            ["MONGODB_DATABASE"] = "db",
            ["MONGODB_COLLECTION"] = "col",
            ["MONGODB_RETENTION_PERIOD"] = "2h",
            ["MONGODB_DISABLE_INDEX_CREATION"] = "1",
            ["MONGODB_DISABLE_AUTO_FALLBACK"] = "true",
            ["MONGODB_DISABLE_ATOMIC_POLL"] = "TRUE",
            ["LOG_FORMAT"] = "JSON",
        };

        var result = RatusCommandLine.Parse([], name => environment.GetValueOrDefault(name));

        Assert.That(result.Outcome, Is.EqualTo(CommandLineOutcome.Run));
        Assert.That(environment.Keys, Is.EquivalentTo(Flags.All.Select(flag => flag.EnvironmentVariable)));
        var server = BindFrom<ServerOptions>(result, ServerOptions.SectionName);
        var chore = BindFrom<ChoreOptions>(result, ChoreOptions.SectionName);
        var pagination = BindFrom<PaginationOptions>(result, PaginationOptions.SectionName);
        var memDb = BindFrom<MemDbOptions>(result, MemDbOptions.SectionName);
        var mongoDb = BindFrom<MongoDbOptions>(result, MongoDbOptions.SectionName);
        Assert.Multiple(() =>
        {
            Assert.That(BindFrom<EngineOptions>(result, EngineOptions.SectionName).Name, Is.EqualTo("MemDB"));
            Assert.That((server.Port, server.Bind, server.MaxBodySize, server.MaxConnections), Is.EqualTo((8080, "::1", 2048L, (int?)300)));
            Assert.That((chore.Interval, chore.InitialDelay, chore.InitialRandom),
                Is.EqualTo((TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(10), true)));
            Assert.That((pagination.MaxLimit, pagination.MaxOffset), Is.EqualTo((50, 500)));
            Assert.That((memDb.SnapshotPath, memDb.SnapshotInterval, memDb.RetentionPeriod),
                Is.EqualTo(("/ratus.db", TimeSpan.FromMinutes(1), TimeSpan.FromHours(1))));
            Assert.That((memDb.AofPath, memDb.AofFsync, memDb.AofMaxSize, memDb.AofRepair),
                Is.EqualTo(("/ratus.aof", AofFsyncMode.Always, 1024L, true)));
            Assert.That((mongoDb.Uri, mongoDb.Database, mongoDb.Collection, mongoDb.RetentionPeriod),
                Is.EqualTo(("mongodb://mongo:27017", "db", "col", TimeSpan.FromHours(2))));
            Assert.That((mongoDb.DisableIndexCreation, mongoDb.DisableAutoFallback, mongoDb.DisableAtomicPoll),
                Is.EqualTo((true, true, true)));
            Assert.That(result.Configuration[Flags.LogFormatKey], Is.EqualTo("json"));
        });
    }

    [TestCase("text", "simple")]
    [TestCase("simple", "simple")]
    [TestCase("json", "json")]
    public void Parse_LogFormat_NamesTheConsoleFormatter(string value, string formatter)
    {
        Assert.That(RatusCommandLine.Parse(["--log-format", value], NoEnvironment).Configuration[Flags.LogFormatKey], Is.EqualTo(formatter));
        Assert.That(RatusCommandLine.Parse([], name => name == "LOG_FORMAT" ? value : null).Configuration[Flags.LogFormatKey], Is.EqualTo(formatter));
    }

    [Test]
    public void Parse_FlagAndEnvironment_FlagWins()
    {
        var environment = new Dictionary<string, string>
        {
            ["PORT"] = "9000",
            ["CHORE_INTERVAL"] = "1m",
            ["CHORE_INITIAL_RANDOM"] = "true",
            ["BIND"] = "10.0.0.1",
        };

        var result = RatusCommandLine.Parse(
            ["--port", "8000", "--chore-interval=5s", "--chore-initial-random=false"], name => environment.GetValueOrDefault(name));

        var server = BindFrom<ServerOptions>(result, ServerOptions.SectionName);
        var chore = BindFrom<ChoreOptions>(result, ChoreOptions.SectionName);
        Assert.Multiple(() =>
        {
            Assert.That(server.Port, Is.EqualTo(8000));
            Assert.That(server.Bind, Is.EqualTo("10.0.0.1"));
            Assert.That(chore.Interval, Is.EqualTo(TimeSpan.FromSeconds(5)));
            Assert.That(chore.InitialRandom, Is.False);
        });
    }

    [Test]
    public void Parse_EmptyEnvironmentValues_CountAsUnsetExceptForPathsAndTheAddress()
    {
        string[] values = ["PORT", "ENGINE", "MONGODB_URI", "MONGODB_DATABASE", "MEMDB_SNAPSHOT_PATH", "BIND"];
        var result = RatusCommandLine.Parse([], name => values.Contains(name) ? "" : null);

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(CommandLineOutcome.Run), result.Error);
            Assert.That(result.Configuration.Keys, Is.EquivalentTo(new[] { "MemDb:SnapshotPath", "Server:Bind" }));
            Assert.That(result.Configuration["MemDb:SnapshotPath"], Is.EqualTo(""));
            Assert.That(result.Configuration["Server:Bind"], Is.EqualTo(""));
        });
    }

    [Test]
    public void Parse_MaxConnections_IsUnsetByDefaultAndTakenFromTheFlag()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Bind<ServerOptions>(ServerOptions.SectionName).MaxConnections, Is.Null);
            Assert.That(Bind<ServerOptions>(ServerOptions.SectionName, "--max-connections", "50").MaxConnections, Is.EqualTo(50));
        });
    }

    // The edges of every range are accepted.
    [TestCase("--port", "0")]
    [TestCase("--port", "65535")]
    [TestCase("--engine", "MongoDB")]
    [TestCase("--bind", "")]
    [TestCase("--bind", "::")]
    [TestCase("--bind", "[::1]")]
    [TestCase("--bind", "localhost")]
    [TestCase("--bind", "ratus-0.ratus.default.svc.cluster.local")]
    [TestCase("--max-body-size", "1")]
    [TestCase("--pagination-max-limit", "2147483647")]
    [TestCase("--max-connections", "1")]
    [TestCase("--max-connections", "2147483647")]
    [TestCase("--chore-interval", "0")]
    [TestCase("--chore-interval", "1193h2m47.294s")]
    [TestCase("--chore-initial-delay", "1193h")]
    [TestCase("--pagination-max-limit", "1")]
    [TestCase("--pagination-max-offset", "0")]
    [TestCase("--memdb-retention-period", "0s")]
    [TestCase("--memdb-retention-period", "100000h")]
    [TestCase("--mongodb-uri", "mongodb+srv://user:pass@cluster0.example.net/?retryWrites=true")]
    [TestCase("--mongodb-uri", "mongodb://a:27017,b:27018/?replicaSet=rs0")]
    [TestCase("--mongodb-database", "ratus-prod_2")]
    [TestCase("--mongodb-collection", "tasks.v2")]
    public void Parse_ValueInRange_Runs(string flag, string value)
    {
        var result = RatusCommandLine.Parse([flag, value], NoEnvironment);

        Assert.That(result.Outcome, Is.EqualTo(CommandLineOutcome.Run), result.Error);
    }

    [Test]
    public void Parse_EveryFlagButAPath_RefusesABadValue()
    {
        Assert.That(BadValues.Keys, Is.EquivalentTo(Enum.GetValues<FlagKind>().Except([FlagKind.String])), "a kind without a bad value to try");
        Assert.Multiple(() =>
        {
            foreach (var flag in Flags.All.Where(f => f.Kind != FlagKind.String))
            {
                var bad = BadValues[flag.Kind];
                var fromFlag = RatusCommandLine.Parse([$"{flag.LongForm}={bad}"], NoEnvironment);
                var fromEnvironment = RatusCommandLine.Parse([], name => name == flag.EnvironmentVariable ? bad : null);
                Assert.That(fromFlag.Outcome, Is.EqualTo(CommandLineOutcome.Error), $"{flag.LongForm}={bad}");
                Assert.That(fromFlag.Error, Does.StartWith($"error processing {flag.LongForm}: "));
                Assert.That(fromEnvironment.Outcome, Is.EqualTo(CommandLineOutcome.Error), $"{flag.EnvironmentVariable}={bad}");
            }
        });
        Assert.That(Flags.All.Where(f => f.Kind == FlagKind.String).Select(f => f.Name), Is.EquivalentTo(new[] { "memdb-snapshot-path", "memdb-aof-path" }),
            "only paths take any value");
    }

    [TestCase("1", true)]
    [TestCase("t", true)]
    [TestCase("T", true)]
    [TestCase("TRUE", true)]
    [TestCase("true", true)]
    [TestCase("True", true)]
    [TestCase("0", false)]
    [TestCase("f", false)]
    [TestCase("F", false)]
    [TestCase("FALSE", false)]
    [TestCase("false", false)]
    [TestCase("False", false)]
    public void Parse_BoolEnvironment_ParsedLikeGoParseBool(string value, bool expected)
    {
        var result = RatusCommandLine.Parse([], name => name == "CHORE_INITIAL_RANDOM" ? value : null);

        Assert.That(BindFrom<ChoreOptions>(result, ChoreOptions.SectionName).InitialRandom, Is.EqualTo(expected));
    }

    [TestCase(new[] { "--port", "abc" }, "error processing --port: strconv.ParseInt: parsing \"abc\": invalid syntax")]
    [TestCase(new[] { "-p", "80.5" }, "invalid syntax")]
    [TestCase(new[] { "--port", "99999999999" }, "value out of range")]
    [TestCase(new[] { "--chore-interval", "10" }, "error processing --chore-interval: time: missing unit in duration \"10\"")]
    [TestCase(new[] { "--chore-initial-delay=foo" }, "invalid duration")]
    [TestCase(new[] { "--memdb-retention-period", "1d" }, "unknown unit")]
    [TestCase(new[] { "--memdb-aof-fsync", "sometimes" }, "invalid fsync mode")]
    [TestCase(new[] { "--chore-initial-random=yes" }, "strconv.ParseBool: parsing \"yes\": invalid syntax")]
    [TestCase(new[] { "--no-such-flag" }, "--no-such-flag")]
    [TestCase(new[] { "positional" }, "positional")]
    [TestCase(new[] { "--port" }, "--port")]
    [TestCase(new[] { "--max-body-size", "0" }, "error processing --max-body-size: strconv.ParseInt: parsing \"0\": value out of range (want at least 1)")]
    [TestCase(new[] { "--log-format", "xml" }, "error processing --log-format: invalid log format \"xml\" (want text or json)")]
    [TestCase(new[] { "--max-body-size=-1" }, "value out of range")]
    [TestCase(new[] { "--port", "99999" }, "error processing --port: strconv.ParseInt: parsing \"99999\": value out of range (want 0 to 65535)")]
    [TestCase(new[] { "--port=-1" }, "error processing --port: strconv.ParseInt: parsing \"-1\": value out of range (want 0 to 65535)")]
    [TestCase(new[] { "-p", "65536" }, "value out of range (want 0 to 65535)")]
    [TestCase(new[] { "--engine", "foo" }, "error processing --engine: unknown storage engine \"foo\" (want memdb or mongodb)")]
    [TestCase(new[] { "--engine", "" }, "unknown storage engine \"\"")]
    [TestCase(new[] { "--bind", "0.0.0.0:80" }, "error processing --bind: invalid address \"0.0.0.0:80\" (want an IP address or a host name, without a port)")]
    [TestCase(new[] { "--bind", "[::1]:80" }, "invalid address")]
    [TestCase(new[] { "--bind", "my host" }, "invalid address")]
    [TestCase(new[] { "--chore-interval=-1s" }, "error processing --chore-interval: time: duration \"-1s\" out of range (want 0s to 1193h2m47.294s)")]
    [TestCase(new[] { "--chore-initial-delay", "2000h" }, "out of range (want 0s to 1193h2m47.294s)")]
    [TestCase(new[] { "--memdb-snapshot-interval=-5m" }, "error processing --memdb-snapshot-interval: time: duration \"-5m\" out of range (want 0s or more)")]
    [TestCase(new[] { "--memdb-retention-period=-1h" }, "out of range (want 0s or more)")]
    [TestCase(new[] { "--mongodb-retention-period=-1s" }, "out of range (want 0s or more)")]
    [TestCase(new[] { "--pagination-max-limit", "0" }, "error processing --pagination-max-limit: strconv.ParseInt: parsing \"0\": value out of range (want 1 to 2147483647)")]
    [TestCase(new[] { "--pagination-max-offset=-1" }, "value out of range (want 0 to 2147483647)")]
    [TestCase(new[] { "--max-connections", "0" }, "error processing --max-connections: strconv.ParseInt: parsing \"0\": value out of range (want 1 to 2147483647)")]
    [TestCase(new[] { "--max-connections", "many" }, "invalid syntax")]
    [TestCase(new[] { "--memdb-aof-max-size", "0" }, "value out of range (want at least 1)")]
    [TestCase(new[] { "--mongodb-uri", "foo" }, "error processing --mongodb-uri: invalid MongoDB URI: ")]
    [TestCase(new[] { "--mongodb-uri", "http://localhost" }, "invalid MongoDB URI")]
    [TestCase(new[] { "--mongodb-database", "" }, "error processing --mongodb-database: invalid MongoDB database name \"\"")]
    [TestCase(new[] { "--mongodb-database", "a/b" }, "invalid MongoDB database name \"a/b\"")]
    [TestCase(new[] { "--mongodb-collection", "" }, "error processing --mongodb-collection: invalid MongoDB collection name \"\"")]
    [TestCase(new[] { "--mongodb-collection", "a$b" }, "invalid MongoDB collection name")]
    public void Parse_BadArgument_FailsWithError(string[] args, string expectedError)
    {
        var result = RatusCommandLine.Parse(args, NoEnvironment);

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(CommandLineOutcome.Error));
            Assert.That(result.Error, Does.Contain(expectedError));
        });
    }

    [TestCase("PORT", "abc", "error processing environment variable PORT: strconv.ParseInt: parsing \"abc\": invalid syntax")]
    [TestCase("CHORE_INTERVAL", "soon", "error processing environment variable CHORE_INTERVAL: time: invalid duration \"soon\"")]
    [TestCase("MONGODB_DISABLE_ATOMIC_POLL", "yes", "error processing environment variable MONGODB_DISABLE_ATOMIC_POLL: strconv.ParseBool: parsing \"yes\": invalid syntax")]
    public void Parse_BadEnvironmentValue_FailsWithError(string variable, string value, string expectedError)
    {
        var result = RatusCommandLine.Parse([], name => name == variable ? value : null);

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(CommandLineOutcome.Error));
            Assert.That(result.Error, Is.EqualTo(expectedError));
        });
    }

    [Test]
    public void Parse_MongoUriError_DoesNotRepeatTheUri()
    {
        var result = RatusCommandLine.Parse(["--mongodb-uri", "mongodb//user:s3cret@db"], NoEnvironment);

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(CommandLineOutcome.Error));
            Assert.That(result.Error, Does.Not.Contain("s3cret"));
        });
    }

    [Test]
    public void Parse_BadEnvironmentValueOverriddenByFlag_Succeeds()
    {
        var result = RatusCommandLine.Parse(["--port", "81"], name => name == "PORT" ? "abc" : null);

        Assert.That(result.Outcome, Is.EqualTo(CommandLineOutcome.Run));
    }

    [TestCase("--help")]
    [TestCase("-h")]
    [TestCase("-help")]
    public void Report_Help_PrintsUsageAndExitsZero(string flag)
    {
        var (exitCode, output, error) = Run(flag, "--port", "abc");

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero);
            Assert.That(output, Does.StartWith("Usage: ratus [--engine ENGINE] [--port PORT]"));
            Assert.That(output, Does.Contain("--chore-initial-delay CHORE-INITIAL-DELAY"));
            Assert.That(output, Does.Contain("env: MONGODB_DISABLE_ATOMIC_POLL"));
            Assert.That(error, Is.Empty);
        });
    }

    [Test]
    public void Report_Version_PrintsTheInformationalVersion()
    {
        var (exitCode, output, _) = Run("--version");

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero);
            Assert.That(output.Trim(), Is.EqualTo(RatusCommandLine.Version));
            Assert.That(output, Does.StartWith("1."));
        });
    }

    [Test]
    public void Report_BadValue_PrintsTheErrorThenTheUsageToStandardErrorAndExitsTwo()
    {
        var (exitCode, output, error) = Run("--port", "abc");

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(2));
            Assert.That(output, Is.Empty);
            Assert.That(error, Is.EqualTo(
                "error: error processing --port: strconv.ParseInt: parsing \"abc\": invalid syntax" + Environment.NewLine
                + Environment.NewLine + RatusCommandLine.Usage));
        });
    }

    [Test]
    public void Usage_ListsMaxConnectionsAfterMaxBodySize()
    {
        Assert.That(RatusCommandLine.Usage, Does.Contain("[--max-body-size BYTES] [--max-connections MAX-CONNECTIONS] [--chore-interval"));
        Assert.That(RatusCommandLine.Usage, Does.Contain("env: MAX_CONNECTIONS]"));
    }

    [Test]
    public void Report_Run_ReturnsNullAndPrintsNothing()
    {
        var (exitCode, output, error) = Run("--port", "8000");

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Null);
            Assert.That(output + error, Is.Empty);
        });
    }

    private static (int? ExitCode, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = RatusCommandLine.Report(RatusCommandLine.Parse(args, NoEnvironment), output, error);
        return (exitCode, output.ToString(), error.ToString());
    }

    private static T Bind<T>(string section, params string[] args)
        where T : class
    {
        var result = RatusCommandLine.Parse(args, NoEnvironment);
        Assert.That(result.Outcome, Is.EqualTo(CommandLineOutcome.Run), result.Error);
        return BindFrom<T>(result, section);
    }

    // Binds the way the host does, so the test covers the string forms the binder has to read back.
    private static T BindFrom<T>(CommandLineResult result, string section)
        where T : class
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(result.Configuration).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddOptions<T>().BindConfiguration(section);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<T>>().Value;
    }
}
