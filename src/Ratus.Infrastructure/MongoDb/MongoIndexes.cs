using MongoDB.Bson;
using MongoDB.Driver;
using Ratus.Domain.Tasks;
using static Ratus.Infrastructure.MongoDb.MongoTaskDocument;

namespace Ratus.Infrastructure.MongoDb;

/// The indexes of docs/protocol.md §3.11. With <c>_id_</c> they make six. The retention TTL on <c>consumed_1</c> is whole
/// seconds; when an existing index carries another TTL it is changed in place with <c>collMod</c>, not rebuilt.
internal static class MongoIndexes
{
    public const string TopicHashed = "topic_hashed";
    public const string TopicScheduled = "topic_1_scheduled_1";
    public const string Deadline = "deadline_1";
    public const string Topic = "topic_1";
    public const string Consumed = "consumed_1";

    /// <c>expireAfterSeconds</c>: whole seconds, truncated (7.5 s is 7), at most what the server accepts.
    public static int TtlSeconds(TimeSpan retention) =>
        (int)Math.Clamp(Math.Floor(retention.TotalSeconds), 0, int.MaxValue);

    /// Creates the missing indexes and updates the retention TTL. Returns the names of the indexes that exist after.
    public static async Task<HashSet<string>> EnsureAsync(
        IMongoCollection<BsonDocument> collection, TimeSpan retention, CancellationToken cancellationToken)
    {
        var ttl = TtlSeconds(retention);
        var existing = await ListAsync(collection, cancellationToken);
        if (existing.FirstOrDefault(i => i.GetValue("name", "").AsString == Consumed) is { } consumed
            && consumed.TryGetValue("expireAfterSeconds", out var current)
            && current.ToInt64() != ttl)
        {
            var command = new BsonDocument
            {
                { "collMod", collection.CollectionNamespace.CollectionName },
                { "index", new BsonDocument { { "name", Consumed }, { "expireAfterSeconds", ttl } } },
            };
            await collection.Database.RunCommandAsync<BsonDocument>(command, cancellationToken: cancellationToken);
        }

        var keys = Builders<BsonDocument>.IndexKeys;
        var filter = Builders<BsonDocument>.Filter;
        CreateIndexModel<BsonDocument>[] models =
        [
            new(keys.Hashed(MongoTaskDocument.Topic), new CreateIndexOptions { Name = TopicHashed }),
            new(keys.Ascending(MongoTaskDocument.Topic).Ascending(Scheduled), new CreateIndexOptions<BsonDocument>
            {
                Name = TopicScheduled,
                PartialFilterExpression = filter.Eq(State, (int)TaskState.Pending),
            }),
            new(keys.Ascending(MongoTaskDocument.Deadline), new CreateIndexOptions<BsonDocument>
            {
                Name = Deadline,
                PartialFilterExpression = filter.Eq(State, (int)TaskState.Active),
            }),
            new(keys.Ascending(MongoTaskDocument.Topic), new CreateIndexOptions<BsonDocument>
            {
                Name = Topic,
                PartialFilterExpression = filter.Eq(State, (int)TaskState.Active),
            }),
            new(keys.Ascending(MongoTaskDocument.Consumed), new CreateIndexOptions<BsonDocument>
            {
                Name = Consumed,
                PartialFilterExpression = filter.Eq(State, (int)TaskState.Completed),
                ExpireAfter = TimeSpan.FromSeconds(ttl),
            }),
        ];
        await collection.Indexes.CreateManyAsync(models, cancellationToken);
        return await NamesAsync(collection, cancellationToken);
    }

    public static async Task<HashSet<string>> NamesAsync(IMongoCollection<BsonDocument> collection, CancellationToken cancellationToken) =>
        [.. (await ListAsync(collection, cancellationToken)).Select(i => i.GetValue("name", "").AsString)];

    public static async Task<List<BsonDocument>> ListAsync(IMongoCollection<BsonDocument> collection, CancellationToken cancellationToken)
    {
        try
        {
            using var cursor = await collection.Indexes.ListAsync(cancellationToken);
            return await cursor.ToListAsync(cancellationToken);
        }
        catch (MongoCommandException exception) when (exception.Code == NamespaceNotFound)
        {
            return [];
        }
    }

    private const int NamespaceNotFound = 26;
}
