using Ratus.Domain.Tasks;
using Ratus.Application.Diagnostics;
using Ratus.Domain.Time;

namespace Ratus.Application.Tasks;

// A draft together with the path it was sent to. <see cref="PathId"/> is null on bulk routes,
// where every element must carry its own ID.
public sealed record TaskSubmission(TaskDraft Draft, string PathTopic, string? PathId = null)
{
    public string Id => string.IsNullOrEmpty(Draft.Id) ? PathId ?? "" : Draft.Id;

    public string Topic => string.IsNullOrEmpty(Draft.Topic) ? PathTopic : Draft.Topic;

    // Applies the server defaults of the original's normalizeTask; validation has already passed.
    public RatusTask ToTask(DateTime now)
    {
        var scheduled = Draft.Scheduled;
        if (scheduled is null && !string.IsNullOrEmpty(Draft.Defer))
        {
            scheduled = now + GoDuration.Parse(Draft.Defer);
        }

        return new RatusTask
        {
            Id = Id,
            Topic = Topic,
            State = (TaskState)Draft.State,
            Nonce = Draft.Nonce ?? "",
            Producer = NullIfEmpty(Draft.Producer),
            Consumer = NullIfEmpty(Draft.Consumer),
            Produced = Draft.Produced ?? now,
            Scheduled = scheduled ?? now,
            Consumed = Draft.Consumed,
            Deadline = Draft.Deadline,
            Payload = Draft.Payload,
            TraceParent = NullIfEmpty(Draft.TraceParent) ?? TraceContext.ProducerTraceParent(),
        };
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
