using MongoDB.Bson;
using Ratus.Domain.Tasks;
using Ratus.Infrastructure.MongoDb;

namespace Ratus.Infrastructure.Tests.MongoDb;

// The BSON mapping alone, without a server: the trace parent is a `traceparent` string, absent when there is none.
[TestFixture]
public sealed class MongoTaskDocumentTests
{
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    [Test]
    public void TraceParent_RoundTripsAsAStringField()
    {
        var task = new RatusTask { Id = "1", Topic = "t", TraceParent = TraceParent, Payload = "{}"u8.ToArray() };

        var document = MongoTaskDocument.ToBson(task);

        Assert.That(document["traceparent"], Is.EqualTo(new BsonString(TraceParent)));
        Assert.That(MongoTaskDocument.FromBson(document).TraceParent, Is.EqualTo(TraceParent));
    }

    [Test]
    public void TraceParent_AbsentWhenNone_AndDocumentsWithoutItLoad()
    {
        var document = MongoTaskDocument.ToBson(new RatusTask { Id = "1", Topic = "t" });

        Assert.That(document.Contains("traceparent"), Is.False);
        Assert.That(MongoTaskDocument.FromBson(new BsonDocument { { "_id", "1" }, { "topic", "t" } }).TraceParent, Is.Null);
    }
}
