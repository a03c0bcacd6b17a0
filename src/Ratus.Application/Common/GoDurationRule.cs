using FluentValidation;
using Ratus.Domain.Time;

namespace Ratus.Application.Common;

public static class GoDurationRule
{
    // Fails with Go's own parse error ("time: invalid duration \"foo\"", "time: missing unit …").
    public static IRuleBuilderOptionsConditions<T, string?> MustBeGoDuration<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Custom((value, context) =>
        {
            if (!GoDuration.TryParse(value ?? "", out _, out var error))
            {
                context.AddFailure(error);
            }
        });
}
