using FluentValidation;
using Microsoft.Extensions.Options;

namespace Ratus.Application.Common;

// Pagination as sent in the query string; a limit of 0 means the default page size.
public sealed record Page(long Limit, long Offset)
{
    public const int DefaultLimit = 10;

    public (int Limit, int Offset) Resolve(PaginationOptions options) =>
        ((int)(Limit == 0 ? Math.Min(DefaultLimit, options.MaxLimit) : Limit), (int)Offset);
}

public sealed class PageValidator : AbstractValidator<Page>
{
    public PageValidator(IOptions<PaginationOptions> options)
    {
        ClassLevelCascadeMode = CascadeMode.Stop;
        var limits = options.Value;

        RuleFor(p => p.Limit).GreaterThanOrEqualTo(0).WithMessage("limit must not be negative");
        RuleFor(p => p.Offset).GreaterThanOrEqualTo(0).WithMessage("offset must not be negative");
        RuleFor(p => p.Limit).LessThanOrEqualTo(limits.MaxLimit)
            .WithMessage($"exceeded maximum allowed limit of {limits.MaxLimit}");
        RuleFor(p => p.Offset).LessThanOrEqualTo(limits.MaxOffset)
            .WithMessage($"exceeded maximum allowed offset of {limits.MaxOffset}");
    }
}
