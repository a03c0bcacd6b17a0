using FluentValidation;
using Mediator;
using Microsoft.Extensions.Options;
using Ratus.Application.Abstractions;
using Ratus.Application.Common;
using Ratus.Domain.Promises;

namespace Ratus.Application.Promises.Queries;

public sealed record ListPromisesQuery(string Topic, Page Page) : IQuery<IReadOnlyList<Promise>>;

public sealed class ListPromisesQueryValidator : AbstractValidator<ListPromisesQuery>
{
    public ListPromisesQueryValidator(IOptions<PaginationOptions> options) =>
        RuleFor(q => q.Page).SetValidator(new PageValidator(options));
}

public sealed class ListPromisesQueryHandler(ITaskRepository repository, IOptions<PaginationOptions> options)
    : IQueryHandler<ListPromisesQuery, IReadOnlyList<Promise>>
{
    public ValueTask<IReadOnlyList<Promise>> Handle(ListPromisesQuery query, CancellationToken cancellationToken)
    {
        var (limit, offset) = query.Page.Resolve(options.Value);
        return repository.ListPromisesAsync(query.Topic, limit, offset, cancellationToken);
    }
}
