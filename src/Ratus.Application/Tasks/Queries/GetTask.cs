using Mediator;
using Ratus.Application.Abstractions;
using Ratus.Domain.Tasks;

namespace Ratus.Application.Tasks.Queries;

public sealed record GetTaskQuery(string Id) : IQuery<RatusTask>;

public sealed class GetTaskQueryHandler(ITaskRepository repository) : IQueryHandler<GetTaskQuery, RatusTask>
{
    public ValueTask<RatusTask> Handle(GetTaskQuery query, CancellationToken cancellationToken) =>
        repository.GetTaskAsync(query.Id, cancellationToken);
}
