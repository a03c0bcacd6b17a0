using Mediator;
using Ratus.Application.Abstractions;
using Ratus.Domain.Common;

namespace Ratus.Application.Topics.Commands;

public sealed record DeleteTopicCommand(string Topic) : ICommand<DeleteResult>;

public sealed class DeleteTopicCommandHandler(ITaskRepository repository) : ICommandHandler<DeleteTopicCommand, DeleteResult>
{
    public ValueTask<DeleteResult> Handle(DeleteTopicCommand command, CancellationToken cancellationToken) =>
        repository.DeleteTopicAsync(command.Topic, cancellationToken);
}
