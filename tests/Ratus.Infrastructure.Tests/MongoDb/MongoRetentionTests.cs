using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Ratus.Domain.Errors;
using Ratus.Domain.Tasks;
using Ratus.Infrastructure.MongoDb;
using Ratus.Infrastructure.Tests.Support;

namespace Ratus.Infrastructure.Tests.MongoDb;

/// Retention on MongoDB is the TTL index on <c>consumed</c>, which runs on the server's real clock, so this test
/// uses the real clock too, apart from the contract and its fake one (docs/protocol.md §3.4).
[NonParallelizable]
public sealed class MongoRetentionTests
{
    [Test]
    public async Task Retention_CompletedTaskPastTtl_DeletedByTheServer()
    {
        var uri = MongoEnv.Require();
        if (!MongoEnv.IsCongo)
        {
            // mongod's TTL monitor runs every 60 s; CongoDB's sweeper every second.
            Assert.Ignore("MongoDB's TTL monitor needs a minute or more; this test runs on CongoDB only");
        }

        using var client = MongoEnv.CreateClient(uri);
        var database = MongoEnv.NewDatabaseName();
        try
        {
            var repository = new MongoTaskRepository(client,
                Options.Create(new MongoDbOptions { Database = database, RetentionPeriod = TimeSpan.FromSeconds(1) }),
                TimeProvider.System, NullLogger<MongoTaskRepository>.Instance);
            await repository.OpenAsync(CancellationToken.None);
            await repository.CheckReadyAsync(CancellationToken.None); // the TTL index is in place
            var now = DateTime.UtcNow;
            await repository.InsertTaskAsync(new RatusTask
            {
                Id = "done", Topic = "t", State = TaskState.Completed, Scheduled = now, Consumed = now,
            }, CancellationToken.None);

            var deadline = DateTime.UtcNow.AddSeconds(30);
            var gone = false;
            while (!gone && DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
                try
                {
                    await repository.GetTaskAsync("done", CancellationToken.None);
                }
                catch (NotFoundException)
                {
                    gone = true;
                }
            }

            Assert.That(gone, Is.True, "the completed task outlived its retention by 29 s");
        }
        finally
        {
            await client.DropDatabaseAsync(database);
        }
    }
}
