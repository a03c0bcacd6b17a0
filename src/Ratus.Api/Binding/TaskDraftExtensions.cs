using Ratus.Application.Tasks;

namespace Ratus.Api.Binding;

public static class TaskDraftExtensions
{
    public static TaskSubmission[] ToSubmissions(this IReadOnlyList<TaskDraft> drafts, string? topic)
    {
        var submissions = new TaskSubmission[drafts.Count];
        for (var i = 0; i < submissions.Length; i++)
        {
            submissions[i] = new TaskSubmission(drafts[i], topic ?? "");
        }

        return submissions;
    }
}
