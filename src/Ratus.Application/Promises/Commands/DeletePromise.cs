using Mediator;
using Ratus.Application.Abstractions;
using Ratus.Domain.Common;

namespace Ratus.Application.Promises.Commands;

// Releases the claim on an active task: it goes back to pending with its nonce cleared.
public sealed record DeletePromiseCommand(string Id) : ICommand<DeleteResult>;

public sealed class DeletePromiseCommandHandler(ITaskRepository repository) : ICommandHandler<DeletePromiseCommand, DeleteResult>
{
    public ValueTask<DeleteResult> Handle(DeletePromiseCommand command, CancellationToken cancellationToken) =>
        repository.DeletePromiseAsync(command.Id, cancellationToken);
}
