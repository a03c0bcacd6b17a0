using Ratus.Application.Common;
using Ratus.Application.Promises;
using Ratus.Application.Promises.Commands;
using Ratus.Application.Tasks;
using Ratus.Application.Tasks.Commands;
using Ratus.Application.Tasks.Queries;
using Ratus.Domain.Errors;
using Ratus.Domain.Tasks;
using Ratus.Domain.Time;

namespace Ratus.Application.Tests.Promises;

public sealed class MakePromiseTests
{
    private ApplicationHarness _app = null!;

    [SetUp]
    public async Task SetUp()
    {
        _app = new ApplicationHarness(new PaginationOptions { MaxLimit = 5, MaxOffset = 5 });
        await _app.OpenAsync();
        await _app.Sender.Send(new PushTaskCommand(new TaskSubmission(new TaskDraft(), "test", "1")));
    }

    [TearDown]
    public async Task TearDown() => await _app.DisposeAsync();

    [Test]
    public async Task Send_NoDeadlineOrTimeout_DefaultsToTenMinutes()
    {
        var task = (await _app.Sender.Send(new MakePromiseCommand("test", null, PromiseDraft.Empty)))!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(task.State, Is.EqualTo(TaskState.Active));
            Assert.That(task.Deadline, Is.EqualTo((Timestamp)_app.Now.AddMinutes(10)));
            Assert.That(task.Nonce, Has.Length.EqualTo(Nonce.Length));
        }
    }

    [Test]
    public async Task Send_DeadlineAndTimeout_DeadlineWins()
    {
        var deadline = _app.Now.AddHours(2);
        var task = (await _app.Sender.Send(new MakePromiseCommand("test", "1", new PromiseDraft { Deadline = deadline, Timeout = "foo" })))!;

        Assert.That(task.Deadline, Is.EqualTo((Timestamp)deadline));
    }

    [Test]
    public void Send_BodyIdDiffersFromPath_ThrowsBadRequest() =>
        Assert.That(async () => await _app.Sender.Send(new MakePromiseCommand("test", "1", new PromiseDraft { Id = "2" })),
            Throws.TypeOf<BadRequestException>().With.Message.EqualTo("bad request: promise ID is inconsistent with the path parameter"));

    [Test]
    public void Send_BadTimeout_ThrowsInvalidDuration() =>
        Assert.That(async () => await _app.Sender.Send(new MakePromiseCommand("test", null, new PromiseDraft { Timeout = "foo" })),
            Throws.TypeOf<BadRequestException>().With.Message.Contains("invalid duration"));

    [Test]
    public async Task Send_NothingDue_ReturnsNull() =>
        Assert.That(await _app.Sender.Send(new MakePromiseCommand("nothing-here", null, PromiseDraft.Empty)), Is.Null);

    [Test]
    public async Task Send_WildcardWithBodyId_ClaimsByIdAndConflictsWhenNotPending()
    {
        await _app.Sender.Send(new MakePromiseCommand("elsewhere", null, new PromiseDraft { Id = "1" }));

        Assert.That(async () => await _app.Sender.Send(new MakePromiseCommand("elsewhere", null, new PromiseDraft { Id = "1" })),
            Throws.TypeOf<ConflictException>().With.Message.EqualTo("conflict: the target task is not in pending state"));
    }

    [Test]
    public async Task Send_AnyState_ReclaimsActiveTaskWithNewNonce()
    {
        var first = (await _app.Sender.Send(new MakePromiseCommand("test", "1", PromiseDraft.Empty)))!;
        var second = (await _app.Sender.Send(new MakePromiseCommand("test", "1", new PromiseDraft { Consumer = "b" }, AnyState: true)))!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(second.Nonce, Is.Not.EqualTo(first.Nonce));
            Assert.That(second.Consumer, Is.EqualTo("b"));
        }
    }

    [TestCase(-1, 0, "bad request: limit must not be negative")]
    [TestCase(0, -1, "bad request: offset must not be negative")]
    [TestCase(6, 0, "bad request: exceeded maximum allowed limit of 5")]
    [TestCase(0, 6, "bad request: exceeded maximum allowed offset of 5")]
    [TestCase(-1, -1, "bad request: limit must not be negative")]
    public void ListTasks_BadPage_ThrowsPaginationMessage(long limit, long offset, string message) =>
        Assert.That(async () => await _app.Sender.Send(new ListTasksQuery("test", new Page(limit, offset))),
            Throws.TypeOf<BadRequestException>().With.Message.EqualTo(message));

    [Test]
    public async Task ListTasks_NoLimit_UsesSmallerOfTenAndMaximum()
    {
        for (var i = 2; i <= 8; i++)
        {
            await _app.Sender.Send(new PushTaskCommand(new TaskSubmission(new TaskDraft(), "test", i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        }

        var page = await _app.Sender.Send(new ListTasksQuery("test", new Page(0, 0)));

        Assert.That(page, Has.Count.EqualTo(5));
    }

    [Test]
    public async Task CommitTask_DeferWithoutState_CompletesAndReschedules()
    {
        var task = await _app.Sender.Send(new CommitTaskCommand("1", new CommitDraft { Defer = "30s" }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(task.State, Is.EqualTo(TaskState.Completed));
            Assert.That(task.Scheduled, Is.EqualTo((Timestamp)_app.Now.AddSeconds(30)));
            Assert.That(task.Nonce, Is.Empty);
        }
    }

    [TestCase(9, null, "bad request: invalid target state 9")]
    [TestCase(null, "foo", "bad request: time: invalid duration \"foo\"")]
    public void CommitTask_InvalidCommit_ThrowsBadRequest(int? state, string? defer, string message) =>
        Assert.That(async () => await _app.Sender.Send(new CommitTaskCommand("1", new CommitDraft { State = state, Defer = defer })),
            Throws.TypeOf<BadRequestException>().With.Message.EqualTo(message));
}
