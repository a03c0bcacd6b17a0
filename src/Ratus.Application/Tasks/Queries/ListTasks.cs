using FluentValidation;
using Mediator;
using Microsoft.Extensions.Options;
using Ratus.Application.Abstractions;
using Ratus.Application.Common;
using Ratus.Domain.Tasks;

namespace Ratus.Application.Tasks.Queries;

public sealed record ListTasksQuery(string Topic, Page Page) : IQuery<IReadOnlyList<RatusTask>>;

public sealed class ListTasksQueryValidator : AbstractValidator<ListTasksQuery>
{
    public ListTasksQueryValidator(IOptions<PaginationOptions> options) =>
        RuleFor(q => q.Page).SetValidator(new PageValidator(options));
}

public sealed class ListTasksQueryHandler(ITaskRepository repository, IOptions<PaginationOptions> options)
    : IQueryHandler<ListTasksQuery, IReadOnlyList<RatusTask>>
{
    public ValueTask<IReadOnlyList<RatusTask>> Handle(ListTasksQuery query, CancellationToken cancellationToken)
    {
        var (limit, offset) = query.Page.Resolve(options.Value);
        return repository.ListTasksAsync(query.Topic, limit, offset, cancellationToken);
    }
}
