using Ratus.Domain.Tasks;

namespace Ratus.Application.Tasks;

public static class TaskSubmissionExtensions
{
    // Normalises a batch with one "now", as the original does for a single request.
    public static RatusTask[] ToTasks(this IReadOnlyList<TaskSubmission> submissions, TimeProvider time)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var tasks = new RatusTask[submissions.Count];
        for (var i = 0; i < tasks.Length; i++)
        {
            tasks[i] = submissions[i].ToTask(now);
        }

        return tasks;
    }
}
