using FluentValidation;
using Mediator;
using Ratus.Application.Abstractions;
using Ratus.Application.Common;
using Ratus.Domain.Promises;
using Ratus.Domain.Tasks;
using Ratus.Domain.Time;

namespace Ratus.Application.Promises.Commands;

// Claims a task. Without an ID it polls the topic for the next due task (null when nothing is due); with one it claims
// that task, only if pending unless <see cref="AnyState"/> (PUT) re-claims it whatever its state.
public sealed record MakePromiseCommand(string Topic, string? PathId, PromiseDraft Promise, bool AnyState = false)
    : ICommand<RatusTask?>
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(10);

    public string Id => string.IsNullOrEmpty(Promise.Id) ? PathId ?? "" : Promise.Id;
}

public sealed class MakePromiseCommandValidator : AbstractValidator<MakePromiseCommand>
{
    public MakePromiseCommandValidator()
    {
        ClassLevelCascadeMode = CascadeMode.Stop;

        RuleFor(c => c)
            .Must(c => string.IsNullOrEmpty(c.PathId) || string.IsNullOrEmpty(c.Promise.Id) || c.Promise.Id == c.PathId)
            .WithMessage("promise ID is inconsistent with the path parameter");
        RuleFor(c => c.Promise.Timeout)
            .MustBeGoDuration()
            .When(c => c.Promise.Deadline is null && !string.IsNullOrEmpty(c.Promise.Timeout));
    }
}

public sealed class MakePromiseCommandHandler(ITaskRepository repository, TimeProvider time)
    : ICommandHandler<MakePromiseCommand, RatusTask?>
{
    public async ValueTask<RatusTask?> Handle(MakePromiseCommand command, CancellationToken cancellationToken)
    {
        var draft = command.Promise;
        var deadline = draft.Deadline ?? time.GetUtcNow().UtcDateTime + (string.IsNullOrEmpty(draft.Timeout)
            ? MakePromiseCommand.DefaultTimeout
            : GoDuration.Parse(draft.Timeout));
        var promise = new Promise(command.Id, draft.Consumer, deadline);

        if (promise.Id.Length == 0)
        {
            return await repository.TryPollTaskAsync(command.Topic, promise, cancellationToken);
        }

        return command.AnyState
            ? await repository.UpsertPromiseAsync(promise, cancellationToken)
            : await repository.InsertPromiseAsync(promise, cancellationToken);
    }
}
