using FluentValidation;
using Mediator;
using Ratus.Application.Abstractions;
using Ratus.Domain.Common;

namespace Ratus.Application.Tasks.Commands;

// Inserts a batch, skipping IDs that already exist; the first invalid element rejects the whole batch.
public sealed record PushTasksCommand(IReadOnlyList<TaskSubmission> Tasks) : ICommand<UpdateResult>;

public sealed class PushTasksCommandValidator : AbstractValidator<PushTasksCommand>
{
    public PushTasksCommandValidator() => RuleFor(c => c.Tasks).EachTaskValid();
}

public sealed class PushTasksCommandHandler(ITaskRepository repository, TimeProvider time)
    : ICommandHandler<PushTasksCommand, UpdateResult>
{
    public ValueTask<UpdateResult> Handle(PushTasksCommand command, CancellationToken cancellationToken) =>
        repository.InsertTasksAsync(command.Tasks.ToTasks(time), cancellationToken);
}
