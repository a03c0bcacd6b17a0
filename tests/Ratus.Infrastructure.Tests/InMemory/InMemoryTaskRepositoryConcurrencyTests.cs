using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Ratus.Domain.Commits;
using Ratus.Domain.Errors;
using Ratus.Domain.Promises;
using Ratus.Domain.Tasks;
using Ratus.Infrastructure.InMemory;
using Ratus.Infrastructure.Tests.Support;

namespace Ratus.Infrastructure.Tests.InMemory;

/// Real threads racing on one engine: claims, commits and inserts must be linearizable.
[TestFixture]
public sealed class InMemoryTaskRepositoryConcurrencyTests
{
    private FakeTimeProvider _time = null!;
    private InMemoryTaskRepository _repository = null!;

    private DateTime Now => _time.GetUtcNow().UtcDateTime;

    [SetUp]
    public async Task SetUpAsync()
    {
        _time = new FakeTimeProvider(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
        _repository = new InMemoryTaskRepository(Options.Create(new MemDbOptions()), _time, NullLogger<InMemoryTaskRepository>.Instance);
        await _repository.OpenAsync(CancellationToken.None);
    }

    [TearDown]
    public async Task TearDownAsync() => await _repository.CloseAsync(CancellationToken.None);

    private RatusTask NewTask(string id) => new() { Id = id, Topic = "test", Produced = Now, Scheduled = Now };

    private Promise Promise(string consumer = "c") => new("", consumer, Now.AddMinutes(10));

    [Test]
    public async Task PollTaskAsync_TwentyPollersOnTenTasks_TenDistinctClaimsAndTenNotFound()
    {
        await _repository.InsertTasksAsync([.. Enumerable.Range(0, 10).Select(i => NewTask($"{i}"))], CancellationToken.None);

        var outcomes = Concurrently.Run(20, i => _repository.PollTaskAsync("test", Promise($"c{i}"), CancellationToken.None));

        var claimed = outcomes.Where(o => o.Succeeded).Select(o => o.Value!).ToList();
        Assert.That(claimed.Select(t => t.Id).ToList(), Is.Unique.And.Count.EqualTo(10));
        Assert.That(claimed.Select(t => t.Nonce), Is.Unique);
        Assert.That(outcomes.Where(o => !o.Succeeded).Select(o => o.Error).ToList(), Has.Count.EqualTo(10).And.All.InstanceOf<NotFoundException>());
        Assert.That(await _repository.ListPromisesAsync("test", 100, 0, CancellationToken.None), Has.Count.EqualTo(10));
    }

    [Test]
    public async Task CommitTaskAsync_TwentyCommitsOfOneNonce_ExactlyOneSucceeds()
    {
        await _repository.InsertTaskAsync(NewTask("1"), CancellationToken.None);
        var claimed = await _repository.PollTaskAsync("test", Promise(), CancellationToken.None);

        var outcomes = Concurrently.Run(20, _ => _repository.CommitTaskAsync("1", new Commit { Nonce = claimed.Nonce }, CancellationToken.None));

        Assert.That(outcomes.Count(o => o.Succeeded), Is.EqualTo(1));
        Assert.That(outcomes.Where(o => !o.Succeeded).Select(o => o.Error).ToList(), Has.Count.EqualTo(19).And.All.InstanceOf<ConflictException>());
    }

    [Test]
    public async Task InsertTaskAsync_TwentyInsertsOfOneId_ExactlyOneCreated()
    {
        var outcomes = Concurrently.Run(20, _ => _repository.InsertTaskAsync(NewTask("1"), CancellationToken.None));

        Assert.That(outcomes.Count(o => o.Succeeded && o.Value!.Created == 1), Is.EqualTo(1));
        Assert.That(outcomes.Where(o => !o.Succeeded).Select(o => o.Error).ToList(), Has.Count.EqualTo(19).And.All.InstanceOf<ConflictException>());
        Assert.That((await _repository.GetTopicAsync("test", CancellationToken.None)).Count, Is.EqualTo(1));
    }

    [Test]
    public async Task PollAndCommit_EightConsumersDrainFiveThousandTasks_EachCommittedExactlyOnce()
    {
        const int taskCount = 5_000;
        await _repository.InsertTasksAsync([.. Enumerable.Range(0, taskCount).Select(i => NewTask($"task-{i:D5}"))], CancellationToken.None);
        var commits = new ConcurrentDictionary<string, int>();

        var outcomes = Concurrently.Run(8, worker =>
        {
            var count = 0;
            while (true)
            {
                RatusTask task;
                try
                {
                    task = _repository.PollTaskAsync("test", Promise($"w{worker}"), CancellationToken.None).Result;
                }
                catch (NotFoundException)
                {
                    return ValueTask.FromResult(count);
                }

                var committed = _repository.CommitTaskAsync(task.Id, new Commit { Nonce = task.Nonce }, CancellationToken.None).Result;
                commits.AddOrUpdate(committed.Id, 1, (_, n) => n + 1);
                count++;
            }
        });

        Assert.That(outcomes.Select(o => o.Error), Is.All.Null);
        Assert.That(outcomes.Sum(o => o.Value), Is.EqualTo(taskCount));
        Assert.That(commits, Has.Count.EqualTo(taskCount));
        Assert.That(commits.Values, Is.All.EqualTo(1));
        var tasks = await _repository.ListTasksAsync("test", taskCount, 0, CancellationToken.None);
        Assert.That(tasks.Select(t => t.State).ToList(), Has.Count.EqualTo(taskCount).And.All.EqualTo(TaskState.Completed));
        Assert.That(await _repository.ListPromisesAsync("test", 10, 0, CancellationToken.None), Is.Empty);
    }
}
