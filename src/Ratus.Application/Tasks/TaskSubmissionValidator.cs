using FluentValidation;
using Ratus.Application.Common;
using Ratus.Domain.Tasks;

namespace Ratus.Application.Tasks;

// The checks of the original's normalizeTask, in its order: the first failure is the one reported.
public sealed class TaskSubmissionValidator : AbstractValidator<TaskSubmission>
{
    public TaskSubmissionValidator()
    {
        ClassLevelCascadeMode = CascadeMode.Stop;

        RuleFor(s => s.Id).NotEmpty().WithMessage("task ID must not be empty");
        RuleFor(s => s)
            .Must(s => s.PathId is null || string.IsNullOrEmpty(s.Draft.Id) || s.Draft.Id == s.PathId)
            .WithMessage("task ID is inconsistent with the path parameter");
        RuleFor(s => s.Topic).NotEmpty().WithMessage("topic must not be empty");
        RuleFor(s => s.Draft.State)
            .Must(TaskStates.IsDefined)
            .WithMessage(s => $"invalid state {s.Draft.State}");
        RuleFor(s => s.Draft.Defer)
            .MustBeGoDuration()
            .When(s => s.Draft.Scheduled is null && !string.IsNullOrEmpty(s.Draft.Defer));
        RuleFor(s => s.Draft.TraceParent)
            .Must(TraceParent.IsValid)
            .When(s => !string.IsNullOrEmpty(s.Draft.TraceParent))
            .WithMessage(s => $"invalid traceparent \"{s.Draft.TraceParent}\"");

        // After the original's checks, so that what it refuses is refused with its message (docs/protocol.md, D10).
        RuleFor(s => s.Id).MustHaveNoControlCharacters("task ID");
        RuleFor(s => s.Topic).MustHaveNoControlCharacters("topic");
    }
}

// A task, or a batch of them, is checked with one shared validator called directly: FluentValidation's child
// validators (SetValidator, RuleForEach) build a child context and property path per task, which cost more than the
// checks themselves (seen in a profile of a bulk push). The first failure is the one reported.
public static class TaskSubmissionRules
{
    private static readonly TaskSubmissionValidator Validator = new();

    public static IRuleBuilderOptionsConditions<T, TaskSubmission> TaskValid<T>(this IRuleBuilder<T, TaskSubmission> rule) =>
        rule.Custom((task, context) => Check(task, context));

    public static IRuleBuilderOptionsConditions<T, IReadOnlyList<TaskSubmission>> EachTaskValid<T>(
        this IRuleBuilder<T, IReadOnlyList<TaskSubmission>> rule) =>
        rule.Custom((tasks, context) =>
        {
            for (var i = 0; i < tasks.Count; i++)
            {
                if (!Check(tasks[i], context))
                {
                    return;
                }
            }
        });

    // Adds the task's first failure to the context; true when the task is valid.
    private static bool Check<T>(TaskSubmission task, ValidationContext<T> context)
    {
        var result = Validator.Validate(task);
        if (!result.IsValid)
        {
            context.AddFailure(result.Errors[0]);
        }

        return result.IsValid;
    }
}
