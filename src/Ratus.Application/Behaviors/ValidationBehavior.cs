using FluentValidation;
using Mediator;
using Ratus.Domain.Errors;

namespace Ratus.Application.Behaviors;

// Runs the message's validators and reports the first failure as the original's "bad request: <detail>".
public sealed class ValidationBehavior<TMessage, TResponse>(IEnumerable<IValidator<TMessage>> validators)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
{
    private readonly IValidator<TMessage>[] _validators = validators.ToArray();

    public ValueTask<TResponse> Handle(
        TMessage message,
        MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken)
    {
        foreach (var validator in _validators)
        {
            var result = validator.Validate(message);
            if (!result.IsValid)
            {
                throw new BadRequestException(result.Errors[0].ErrorMessage);
            }
        }

        return next(message, cancellationToken);
    }
}
