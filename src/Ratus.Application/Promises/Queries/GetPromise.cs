using Mediator;
using Ratus.Application.Abstractions;
using Ratus.Domain.Promises;

namespace Ratus.Application.Promises.Queries;

public sealed record GetPromiseQuery(string Id) : IQuery<Promise>;

public sealed class GetPromiseQueryHandler(ITaskRepository repository) : IQueryHandler<GetPromiseQuery, Promise>
{
    public ValueTask<Promise> Handle(GetPromiseQuery query, CancellationToken cancellationToken) =>
        repository.GetPromiseAsync(query.Id, cancellationToken);
}
