using FluentValidation;
using Mediator;
using Ratus.Application.Abstractions;
using Ratus.Domain.Common;

namespace Ratus.Application.Tasks.Commands;

// Inserts one task; an existing ID in any topic is a conflict.
public sealed record PushTaskCommand(TaskSubmission Task) : ICommand<UpdateResult>;

public sealed class PushTaskCommandValidator : AbstractValidator<PushTaskCommand>
{
    public PushTaskCommandValidator() => RuleFor(c => c.Task).TaskValid();
}

public sealed class PushTaskCommandHandler(ITaskRepository repository, TimeProvider time)
    : ICommandHandler<PushTaskCommand, UpdateResult>
{
    public ValueTask<UpdateResult> Handle(PushTaskCommand command, CancellationToken cancellationToken) =>
        repository.InsertTaskAsync(command.Task.ToTask(time.GetUtcNow().UtcDateTime), cancellationToken);
}
