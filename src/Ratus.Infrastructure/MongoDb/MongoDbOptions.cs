namespace Ratus.Infrastructure.MongoDb;

public sealed class MongoDbOptions
{
    public const string SectionName = "MongoDb";

    public string Uri { get; set; } = "mongodb://127.0.0.1:27017";

    public string Database { get; set; } = "ratus";

    public string Collection { get; set; } = "tasks";

    public TimeSpan RetentionPeriod { get; set; } = TimeSpan.FromHours(72);

    public bool DisableIndexCreation { get; set; }

    public bool DisableAutoFallback { get; set; }

    public bool DisableAtomicPoll { get; set; }
}
