using Mediator;
using Ratus.Application.Abstractions;
using Ratus.Application.Diagnostics;
using Ratus.Application.Promises.Commands;
using Ratus.Application.Promises.Queries;
using Ratus.Application.Tasks;
using Ratus.Application.Tasks.Commands;
using Ratus.Domain.Common;
using Ratus.Domain.Errors;
using Ratus.Domain.Tasks;

namespace Ratus.Application.Behaviors;

// Records the task events of docs/protocol.md §6 where their outcome is known: after a push, claim or commit succeeded, with the
// labels the original uses, except that every task counts under its own topic; and commits refused for a stale
// nonce. Inside a request it also notes the topic of the task the message concerns (RequestTopic), since the SDK
// calls by-ID and bulk routes with an empty topic segment. Other messages pass straight through.
public sealed class MetricsBehavior<TMessage, TResponse>(RatusMetrics metrics, ITaskRepository repository)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
{
    public async ValueTask<TResponse> Handle(
        TMessage message,
        MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken)
    {
        var request = RequestTopic.Current;
        if (request is not null)
        {
            await NoteTopicBeforeAsync(request, message, cancellationToken);
        }

        TResponse response;
        try
        {
            response = await next(message, cancellationToken);
        }
        catch (ConflictException exception) when (message is CommitTaskCommand commit && IsNonceMismatch(exception))
        {
            await RecordRejectedAsync(commit.Id, request, cancellationToken);
            throw;
        }

        Record(message, response);
        if (request is not null)
        {
            await NoteTopicAfterAsync(request, message, response, cancellationToken);
        }

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
            case (PushTasksCommand push, UpdateResult result):
                RecordProduced(push.Tasks, result.Created);
                break;
            case (UpsertTasksCommand upsert, UpdateResult result):
                RecordProduced(upsert.Tasks, result.Created + result.Updated);
                break;
            case (MakePromiseCommand, RatusTask task):
                metrics.TaskConsumed(task);
                break;
            case (CommitTaskCommand, RatusTask task):
                metrics.TaskCommitted(task);
                break;
        }
    }

    // A batch counts each task under its own topic and producer (the original labels the whole batch with the path's
    // topic and the first task's producer). Runs of equal labels are added at once: a batch is usually one run. A bulk
    // push that skipped existing IDs does not say which ones: its created count goes to the batch's first tasks.
    private void RecordProduced(IReadOnlyList<TaskSubmission> tasks, long count)
    {
        var start = 0;
        for (var i = 1; i <= tasks.Count && count > 0; i++)
        {
            if (i < tasks.Count && SameLabels(tasks[i], tasks[start]))
            {
                continue;
            }

            var run = Math.Min(i - start, count);
            metrics.TasksProduced(tasks[start].Topic, tasks[start].Draft.Producer ?? "", run);
            count -= run;
            start = i;
        }
    }

    private static bool SameLabels(TaskSubmission a, TaskSubmission b) =>
        a.Topic == b.Topic && (a.Draft.Producer ?? "") == (b.Draft.Producer ?? "");

    // What the message itself says, and what a delete is about to remove. A batch spanning several topics keeps the
    // path's topic as its request label.
    private ValueTask NoteTopicBeforeAsync(RequestTopic request, TMessage message, CancellationToken cancellationToken)
    {
        switch (message)
        {
            case PushTaskCommand push:
                request.Topic = push.Task.Topic;
                break;
            case UpsertTaskCommand upsert:
                request.Topic = upsert.Task.Topic;
                break;
            case PushTasksCommand push:
                request.Topic = SharedTopic(push.Tasks);
                break;
            case UpsertTasksCommand upsert:
                request.Topic = SharedTopic(upsert.Tasks);
                break;
            case DeleteTaskCommand delete:
                return NoteTopicOfAsync(request, delete.Id, cancellationToken);
            case DeletePromiseCommand delete:
                return NoteTopicOfAsync(request, delete.Id, cancellationToken);
        }

        return ValueTask.CompletedTask;
    }

    // A returned task names its topic (after a commit, the topic it was committed into); a promise does not.
    private ValueTask NoteTopicAfterAsync(RequestTopic request, TMessage message, TResponse response, CancellationToken cancellationToken)
    {
        if (response is RatusTask task)
        {
            request.Topic = task.Topic;
        }
        else if (message is GetPromiseQuery get)
        {
            return NoteTopicOfAsync(request, get.Id, cancellationToken);
        }

        return ValueTask.CompletedTask;
    }

    private static string? SharedTopic(IReadOnlyList<TaskSubmission> tasks)
    {
        if (tasks.Count == 0)
        {
            return null;
        }

        var topic = tasks[0].Topic;
        for (var i = 1; i < tasks.Count; i++)
        {
            if (tasks[i].Topic != topic)
            {
                return null;
            }
        }

        return topic;
    }

    private async ValueTask NoteTopicOfAsync(RequestTopic request, string id, CancellationToken cancellationToken)
    {
        if (await FindTopicAsync(id, cancellationToken) is { } topic)
        {
            request.Topic = topic;
        }
    }

    private static bool IsNonceMismatch(ConflictException exception) =>
        exception.Message.EndsWith(ConflictException.NonceMismatch, StringComparison.Ordinal);

    // The refused commit does not say which topic the task is in; one lookup on this rare path finds out.
    private async ValueTask RecordRejectedAsync(string id, RequestTopic? request, CancellationToken cancellationToken)
    {
        var topic = await FindTopicAsync(id, cancellationToken);
        metrics.CommitRejected(topic ?? "");
        if (request is not null && topic is not null)
        {
            request.Topic = topic;
        }
    }

    // Null when the task does not exist or the engine cannot say: the label then falls back to the path's topic, and
    // the operation itself reports what went wrong.
    private async ValueTask<string?> FindTopicAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            return (await repository.GetTaskAsync(id, cancellationToken)).Topic;
        }
        catch (Exception exception) when (exception is RatusException or OperationCanceledException)
        {
            return null;
        }
    }
}
