using System.Diagnostics;
using Mediator;
using Ratus.Application.Diagnostics;
using Ratus.Application.Promises.Commands;
using Ratus.Application.Tasks.Commands;
using Ratus.Domain.Tasks;

namespace Ratus.Application.Behaviors;

// One activity per push, claim and commit, with the topic, task ID (or count), consumer and state change as
// attributes; a claim links to the producer's context stored with the task. Other messages pass straight through.
public sealed class TracingBehavior<TMessage, TResponse> : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
{
    public const string TopicTag = "ratus.topic";
    public const string TaskIdTag = "ratus.task.id";
    public const string TaskCountTag = "ratus.task.count";
    public const string StateTag = "ratus.task.state";
    public const string ConsumerTag = "ratus.consumer";
    public const string ProducerTag = "ratus.producer";
    public const string PromiseKindTag = "ratus.promise.kind";

    public async ValueTask<TResponse> Handle(
        TMessage message,
        MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken)
    {
        if (!TraceContext.Source.HasListeners() || Start(message) is not { } activity)
        {
            return await next(message, cancellationToken);
        }

        using (activity)
        {
            try
            {
                var response = await next(message, cancellationToken);
                if (activity.IsAllDataRequested && response is RatusTask task)
                {
                    Complete(activity, message, task);
                }

                return response;
            }
            catch (Exception exception)
            {
                activity.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
                activity.SetTag("error.type", exception.GetType().FullName);
                throw;
            }
        }
    }

    private static Activity? Start(TMessage message)
    {
        Activity? activity;
        switch (message)
        {
            case PushTaskCommand push:
                activity = TraceContext.Source.StartActivity("ratus.push");
                activity?.SetTag(TopicTag, push.Task.Topic);
                activity?.SetTag(TaskIdTag, push.Task.Id);
                activity?.SetTag(StateTag, "->pending");
                break;
            case PushTasksCommand push:
                activity = TraceContext.Source.StartActivity("ratus.push.bulk");
                if (activity is not null)
                {
                    var topic = push.Tasks.Count > 0 ? push.Tasks[0].Topic : "";
                    for (var i = 1; i < push.Tasks.Count && topic is not null; i++)
                    {
                        topic = push.Tasks[i].Topic == topic ? topic : null;
                    }

                    activity.SetTag(TopicTag, topic);
                    activity.SetTag(TaskCountTag, push.Tasks.Count);
                    activity.SetTag(StateTag, "->pending");
                }

                break;
            case MakePromiseCommand promise:
                activity = TraceContext.Source.StartActivity("ratus.promise");
                if (activity is not null)
                {
                    var id = promise.Id;
                    activity.SetTag(PromiseKindTag, id.Length == 0 ? "poll" : promise.AnyState ? "reclaim" : "claim");
                    activity.SetTag(TopicTag, id.Length == 0 ? promise.Topic : null);
                    activity.SetTag(TaskIdTag, id.Length == 0 ? null : id);
                    activity.SetTag(ConsumerTag, string.IsNullOrEmpty(promise.Promise.Consumer) ? null : promise.Promise.Consumer);
                }

                break;
            case CommitTaskCommand commit:
                activity = TraceContext.Source.StartActivity("ratus.commit");
                activity?.SetTag(TaskIdTag, commit.Id);
                break;
            default:
                return null;
        }

        return activity;
    }

    private static void Complete(Activity activity, TMessage message, RatusTask task)
    {
        activity.SetTag(TopicTag, task.Topic);
        activity.SetTag(TaskIdTag, task.Id);
        activity.SetTag(ProducerTag, task.Producer);
        activity.SetTag(ConsumerTag, task.Consumer);
        switch (message)
        {
            case MakePromiseCommand promise:
                // A poll and a POST claim only take pending tasks; a PUT claim takes a task in any state.
                activity.SetTag(StateTag, (promise.AnyState ? "any" : "pending") + "->" + Name(task.State));
                if (TraceParent.ToContext(task.TraceParent) is { } producer)
                {
                    activity.AddLink(new ActivityLink(producer));
                }

                break;
            case CommitTaskCommand commit:
                // Only the holder of the current nonce of an active task can commit with a nonce.
                activity.SetTag(StateTag, (string.IsNullOrEmpty(commit.Commit.Nonce) ? "any" : "active") + "->" + Name(task.State));
                break;
        }
    }

    private static string Name(TaskState state) => state switch
    {
        TaskState.Pending => "pending",
        TaskState.Active => "active",
        TaskState.Completed => "completed",
        TaskState.Archived => "archived",
        _ => ((int)state).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
