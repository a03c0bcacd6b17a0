using FluentValidation;
using Mediator;
using Ratus.Application.Abstractions;
using Ratus.Domain.Common;

namespace Ratus.Application.Tasks.Commands;

public sealed record UpsertTasksCommand(IReadOnlyList<TaskSubmission> Tasks) : ICommand<UpdateResult>;

public sealed class UpsertTasksCommandValidator : AbstractValidator<UpsertTasksCommand>
{
    public UpsertTasksCommandValidator() => RuleFor(c => c.Tasks).EachTaskValid();
}

public sealed class UpsertTasksCommandHandler(ITaskRepository repository, TimeProvider time)
    : ICommandHandler<UpsertTasksCommand, UpdateResult>
{
    public ValueTask<UpdateResult> Handle(UpsertTasksCommand command, CancellationToken cancellationToken) =>
        repository.UpsertTasksAsync(command.Tasks.ToTasks(time), cancellationToken);
}
