using Mediator;
using Ratus.Application.Abstractions;
using Ratus.Application.Diagnostics;
using Ratus.Application.Promises.Commands;
using Ratus.Application.Tasks.Commands;
using Ratus.Domain.Common;
using Ratus.Domain.Errors;
using Ratus.Domain.Tasks;

namespace Ratus.Application.Behaviors;

// Records the task events of spec §6 where their outcome is known: after a push, claim or commit succeeded, with the
// labels the original uses; and commits refused for a stale nonce. Other messages pass straight through.
public sealed class MetricsBehavior<TMessage, TResponse>(RatusMetrics metrics, ITaskRepository repository)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
{
    public async ValueTask<TResponse> Handle(
        TMessage message,
        MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken)
    {
        TResponse response;
        try
        {
            response = await next(message, cancellationToken);
        }
        catch (ConflictException exception) when (message is CommitTaskCommand commit && IsNonceMismatch(exception))
        {
            await RecordRejectedAsync(commit.Id, cancellationToken);
            throw;
        }

        Record(message, response);
        return response;
    }

    private void Record(TMessage message, TResponse response)
    {
        switch (message, response)
        {
            case (PushTaskCommand push, UpdateResult result):
                metrics.TasksProduced(push.Task.Topic, push.Task.Draft.Producer ?? "", result.Created);
                break;
            case (UpsertTaskCommand upsert, UpdateResult result):
                metrics.TasksProduced(upsert.Task.Topic, upsert.Task.Draft.Producer ?? "", result.Created + result.Updated);
                break;
            // Bulk: the path's topic and the first task's producer, as the original labels them.
            case (PushTasksCommand push, UpdateResult result) when push.Tasks.Count > 0:
                metrics.TasksProduced(push.Tasks[0].PathTopic, push.Tasks[0].Draft.Producer ?? "", result.Created);
                break;
            case (UpsertTasksCommand upsert, UpdateResult result) when upsert.Tasks.Count > 0:
                metrics.TasksProduced(upsert.Tasks[0].PathTopic, upsert.Tasks[0].Draft.Producer ?? "", result.Created + result.Updated);
                break;
            case (MakePromiseCommand, RatusTask task):
                metrics.TaskConsumed(task);
                break;
            case (CommitTaskCommand, RatusTask task):
                metrics.TaskCommitted(task);
                break;
        }
    }

    private static bool IsNonceMismatch(ConflictException exception) =>
        exception.Message.EndsWith(ConflictException.NonceMismatch, StringComparison.Ordinal);

    // The refused commit does not say which topic the task is in; one lookup on this rare path finds out.
    private async ValueTask RecordRejectedAsync(string id, CancellationToken cancellationToken)
    {
        string topic;
        try
        {
            topic = (await repository.GetTaskAsync(id, cancellationToken)).Topic;
        }
        catch (Exception exception) when (exception is RatusException or OperationCanceledException)
        {
            topic = "";
        }

        metrics.CommitRejected(topic);
    }
}
