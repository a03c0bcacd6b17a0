using FluentValidation;
using Mediator;
using Ratus.Application.Abstractions;
using Ratus.Application.Common;
using Ratus.Domain.Commits;
using Ratus.Domain.Tasks;
using Ratus.Domain.Time;

namespace Ratus.Application.Tasks.Commands;

// Applies a commit to the task with this ID in whatever state it is; a non-empty nonce fences stale consumers.
public sealed record CommitTaskCommand(string Id, CommitDraft Commit) : ICommand<RatusTask>;

public sealed class CommitTaskCommandValidator : AbstractValidator<CommitTaskCommand>
{
    public CommitTaskCommandValidator()
    {
        ClassLevelCascadeMode = CascadeMode.Stop;

        RuleFor(c => c.Commit.State)
            .Must(state => state is null || TaskStates.IsDefined(state.Value))
            .WithMessage(c => $"invalid target state {c.Commit.State}");
        RuleFor(c => c.Commit.Defer)
            .MustBeGoDuration()
            .When(c => c.Commit.Scheduled is null && !string.IsNullOrEmpty(c.Commit.Defer));
        RuleFor(c => c.Commit.Topic).MustHaveNoControlCharacters("topic");
    }
}

public sealed class CommitTaskCommandHandler(ITaskRepository repository, TimeProvider time)
    : ICommandHandler<CommitTaskCommand, RatusTask>
{
    public ValueTask<RatusTask> Handle(CommitTaskCommand command, CancellationToken cancellationToken)
    {
        var draft = command.Commit;
        var scheduled = draft.Scheduled;
        if (scheduled is null && !string.IsNullOrEmpty(draft.Defer))
        {
            scheduled = time.GetUtcNow().UtcDateTime + GoDuration.Parse(draft.Defer);
        }

        var commit = new Commit
        {
            Nonce = draft.Nonce ?? "",
            Topic = draft.Topic ?? "",
            State = (TaskState)(draft.State ?? (int)TaskState.Completed),
            Scheduled = scheduled,
            Payload = draft.Payload,
        };
        return repository.CommitTaskAsync(command.Id, commit, cancellationToken);
    }
}
