using Ratus.Application.Tasks;
using Ratus.Application.Tasks.Commands;
using Ratus.Domain.Errors;
using Ratus.Domain.Tasks;
using Ratus.Domain.Time;

namespace Ratus.Application.Tests.Tasks;

public sealed class PushTaskTests
{
    private ApplicationHarness _app = null!;

    [SetUp]
    public async Task SetUp()
    {
        _app = new ApplicationHarness();
        await _app.OpenAsync();
    }

    [TearDown]
    public async Task TearDown() => await _app.DisposeAsync();

    [Test]
    public async Task Send_EmptyDraft_TakesPathIdTopicAndServerTimes()
    {
        var result = await _app.Sender.Send(new PushTaskCommand(new TaskSubmission(new TaskDraft(), "test", "1")));
        var task = await _app.Repository.GetTaskAsync("1", CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Created, Is.EqualTo(1));
            Assert.That(task.Topic, Is.EqualTo("test"));
            Assert.That(task.State, Is.EqualTo(TaskState.Pending));
            Assert.That(task.Produced, Is.EqualTo((Timestamp)_app.Now));
            Assert.That(task.Scheduled, Is.EqualTo((Timestamp)_app.Now));
        }
    }

    [Test]
    public async Task Send_Defer_SchedulesRelativeToAcceptance()
    {
        await _app.Sender.Send(new PushTaskCommand(new TaskSubmission(new TaskDraft { Defer = "1h30m" }, "test", "1")));
        var task = await _app.Repository.GetTaskAsync("1", CancellationToken.None);

        Assert.That(task.Scheduled, Is.EqualTo((Timestamp)_app.Now.AddMinutes(90)));
    }

    [Test]
    public async Task Send_ScheduledAndDefer_ScheduledWinsAndBadDeferIsIgnored()
    {
        var scheduled = new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        await _app.Sender.Send(new PushTaskCommand(new TaskSubmission(new TaskDraft { Scheduled = scheduled, Defer = "foo" }, "test", "1")));
        var task = await _app.Repository.GetTaskAsync("1", CancellationToken.None);

        Assert.That(task.Scheduled, Is.EqualTo((Timestamp)scheduled));
    }

    [Test]
    public async Task Send_BodyTopicDiffersFromPath_BodyTopicWins()
    {
        await _app.Sender.Send(new PushTaskCommand(new TaskSubmission(new TaskDraft { Topic = "other" }, "test", "1")));

        Assert.That((await _app.Repository.GetTaskAsync("1", CancellationToken.None)).Topic, Is.EqualTo("other"));
    }

    // The original checks in this order and reports the first failure only (docs/protocol.md §2.3).
    [TestCase(null, "", "", 0, null, "bad request: task ID must not be empty")]
    [TestCase("2", "t", "1", 0, null, "bad request: task ID is inconsistent with the path parameter")]
    [TestCase("2", "", "1", 9, "foo", "bad request: task ID is inconsistent with the path parameter")]
    [TestCase(null, "", "1", 9, "foo", "bad request: topic must not be empty")]
    [TestCase(null, "t", "1", 9, "foo", "bad request: invalid state 9")]
    [TestCase(null, "t", "1", -1, null, "bad request: invalid state -1")]
    [TestCase(null, "t", "1", 0, "foo", "bad request: time: invalid duration \"foo\"")]
    [TestCase(null, "t", "1", 0, "10", "bad request: time: missing unit in duration \"10\"")]
    public void Send_InvalidDraft_ThrowsFirstFailure(string? id, string pathTopic, string pathId, int state, string? defer, string message)
    {
        var command = new PushTaskCommand(new TaskSubmission(new TaskDraft { Id = id, State = state, Defer = defer }, pathTopic, pathId));

        Assert.That(async () => await _app.Sender.Send(command),
            Throws.TypeOf<BadRequestException>().With.Message.EqualTo(message));
    }

    [Test]
    public void Send_ExistingIdInAnotherTopic_ThrowsConflict()
    {
        Assert.That(async () =>
        {
            await _app.Sender.Send(new PushTaskCommand(new TaskSubmission(new TaskDraft(), "a", "1")));
            await _app.Sender.Send(new PushTaskCommand(new TaskSubmission(new TaskDraft(), "b", "1")));
        }, Throws.TypeOf<ConflictException>().With.Message.EqualTo("conflict: a task with the same ID already exists"));
    }

    [Test]
    public async Task Send_BatchWithInvalidElement_RejectsWholeBatch()
    {
        var batch = new[]
        {
            new TaskSubmission(new TaskDraft { Id = "1" }, "t"),
            new TaskSubmission(new TaskDraft { Producer = "foo" }, "t"),
        };

        Assert.That(async () => await _app.Sender.Send(new PushTasksCommand(batch)),
            Throws.TypeOf<BadRequestException>().With.Message.EqualTo("bad request: task ID must not be empty"));
        Assert.That(async () => await _app.Repository.GetTaskAsync("1", CancellationToken.None), Throws.TypeOf<NotFoundException>());
    }
}
