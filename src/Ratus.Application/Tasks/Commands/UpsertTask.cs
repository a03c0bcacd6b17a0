using FluentValidation;
using Mediator;
using Ratus.Application.Abstractions;
using Ratus.Domain.Common;

namespace Ratus.Application.Tasks.Commands;

// Replaces the task with this ID wholesale (omitted fields reset to defaults), or creates it.
public sealed record UpsertTaskCommand(TaskSubmission Task) : ICommand<UpdateResult>;

public sealed class UpsertTaskCommandValidator : AbstractValidator<UpsertTaskCommand>
{
    public UpsertTaskCommandValidator() => RuleFor(c => c.Task).TaskValid();
}

public sealed class UpsertTaskCommandHandler(ITaskRepository repository, TimeProvider time)
    : ICommandHandler<UpsertTaskCommand, UpdateResult>
{
    public ValueTask<UpdateResult> Handle(UpsertTaskCommand command, CancellationToken cancellationToken) =>
        repository.UpsertTaskAsync(command.Task.ToTask(time.GetUtcNow().UtcDateTime), cancellationToken);
}
