using Mediator;
using Ratus.Application.Abstractions;
using Ratus.Domain.Topics;

namespace Ratus.Application.Topics.Queries;

public sealed record GetTopicQuery(string Topic) : IQuery<Topic>;

public sealed class GetTopicQueryHandler(ITaskRepository repository) : IQueryHandler<GetTopicQuery, Topic>
{
    public ValueTask<Topic> Handle(GetTopicQuery query, CancellationToken cancellationToken) =>
        repository.GetTopicAsync(query.Topic, cancellationToken);
}
