using FluentValidation;
using Mediator;
using Microsoft.Extensions.Options;
using Ratus.Application.Abstractions;
using Ratus.Application.Common;
using Ratus.Domain.Topics;

namespace Ratus.Application.Topics.Queries;

public sealed record ListTopicsQuery(Page Page) : IQuery<IReadOnlyList<Topic>>;

public sealed class ListTopicsQueryValidator : AbstractValidator<ListTopicsQuery>
{
    public ListTopicsQueryValidator(IOptions<PaginationOptions> options) =>
        RuleFor(q => q.Page).SetValidator(new PageValidator(options));
}

public sealed class ListTopicsQueryHandler(ITaskRepository repository, IOptions<PaginationOptions> options)
    : IQueryHandler<ListTopicsQuery, IReadOnlyList<Topic>>
{
    public ValueTask<IReadOnlyList<Topic>> Handle(ListTopicsQuery query, CancellationToken cancellationToken)
    {
        var (limit, offset) = query.Page.Resolve(options.Value);
        return repository.ListTopicsAsync(limit, offset, cancellationToken);
    }
}
