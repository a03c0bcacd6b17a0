using Mediator;
using Ratus.Application.Abstractions;
using Ratus.Domain.Common;

namespace Ratus.Application.Promises.Commands;

public sealed record DeletePromisesCommand(string Topic) : ICommand<DeleteResult>;

public sealed class DeletePromisesCommandHandler(ITaskRepository repository)
    : ICommandHandler<DeletePromisesCommand, DeleteResult>
{
    public ValueTask<DeleteResult> Handle(DeletePromisesCommand command, CancellationToken cancellationToken) =>
        repository.DeletePromisesAsync(command.Topic, cancellationToken);
}
