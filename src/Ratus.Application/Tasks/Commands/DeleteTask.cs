using Mediator;
using Ratus.Application.Abstractions;
using Ratus.Domain.Common;

namespace Ratus.Application.Tasks.Commands;

public sealed record DeleteTaskCommand(string Id) : ICommand<DeleteResult>;

public sealed class DeleteTaskCommandHandler(ITaskRepository repository) : ICommandHandler<DeleteTaskCommand, DeleteResult>
{
    public ValueTask<DeleteResult> Handle(DeleteTaskCommand command, CancellationToken cancellationToken) =>
        repository.DeleteTaskAsync(command.Id, cancellationToken);
}
