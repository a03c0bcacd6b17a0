using Ratus.Domain.Errors;
using Ratus.Domain.Promises;
using Ratus.Domain.Tasks;

namespace Ratus.Application.Abstractions;

public static class TaskRepositoryExtensions
{
    /// <see cref="ITaskRepository.TryPollTaskAsync"/>, with <see cref="NotFoundException"/> when nothing is due.
    public static async ValueTask<RatusTask> PollTaskAsync(
        this ITaskRepository repository, string topic, Promise promise, CancellationToken cancellationToken) =>
        await repository.TryPollTaskAsync(topic, promise, cancellationToken).ConfigureAwait(false) ?? throw new NotFoundException();
}
