using Mediator;
using Ratus.Application.Abstractions;
using Ratus.Domain.Common;

namespace Ratus.Application.Tasks.Commands;

public sealed record DeleteTasksCommand(string Topic) : ICommand<DeleteResult>;

public sealed class DeleteTasksCommandHandler(ITaskRepository repository) : ICommandHandler<DeleteTasksCommand, DeleteResult>
{
    public ValueTask<DeleteResult> Handle(DeleteTasksCommand command, CancellationToken cancellationToken) =>
        repository.DeleteTasksAsync(command.Topic, cancellationToken);
}
