using Mediator;
using Ratus.Application.Abstractions;
using Ratus.Domain.Common;

namespace Ratus.Application.Topics.Commands;

public sealed record DeleteTopicsCommand : ICommand<DeleteResult>;

public sealed class DeleteTopicsCommandHandler(ITaskRepository repository) : ICommandHandler<DeleteTopicsCommand, DeleteResult>
{
    public ValueTask<DeleteResult> Handle(DeleteTopicsCommand command, CancellationToken cancellationToken) =>
        repository.DeleteTopicsAsync(cancellationToken);
}
