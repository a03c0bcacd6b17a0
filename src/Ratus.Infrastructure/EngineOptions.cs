namespace Ratus.Infrastructure;

public sealed class EngineOptions
{
    public const string SectionName = "Engine";

    public const string MemDb = "memdb";

    public const string MongoDb = "mongodb";

    // memdb or mongodb, case-insensitive.
    public string Name { get; set; } = MemDb;
}
