using Ratus.Application.Abstractions;
using Ratus.Domain.Errors;
using Ratus.Domain.Promises;
using Ratus.Domain.Tasks;

namespace Ratus.Infrastructure.Tests.Support;

public static class TaskRepositoryPolls
{
    /// A poll that must claim something: <see cref="ITaskRepository.TryPollTaskAsync"/>, with
    /// <see cref="NotFoundException"/> (as the HTTP API answers 404) when nothing is due.
    public static async ValueTask<RatusTask> PollTaskAsync(
        this ITaskRepository repository, string topic, Promise promise, CancellationToken cancellationToken) =>
        await repository.TryPollTaskAsync(topic, promise, cancellationToken) ?? throw new NotFoundException();
}
