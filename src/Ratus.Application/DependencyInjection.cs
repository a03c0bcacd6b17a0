using FluentValidation;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Ratus.Application.Behaviors;
using Ratus.Application.Common;

namespace Ratus.Application;

public static class DependencyInjection
{
    public static IServiceCollection AddApplication(this IServiceCollection services)
    {
        // Singleton throughout: handlers, behaviours and validators are stateless, and scoped validators
        // would be rebuilt on every request (measured at 11–13 µs each, see docs/decisions/0002).
        services.AddMediator((MediatorOptions options) =>
        {
            options.ServiceLifetime = ServiceLifetime.Singleton;
            options.Assemblies = [typeof(DependencyInjection)];
            options.PipelineBehaviors = [typeof(TracingBehavior<,>), typeof(LoggingBehavior<,>), typeof(ValidationBehavior<,>)];
        });
        services.AddValidatorsFromAssemblyContaining<PageValidator>(ServiceLifetime.Singleton, includeInternalTypes: true);
        services.AddOptions<PaginationOptions>().BindConfiguration(PaginationOptions.SectionName).ValidateOnStart();
        return services;
    }
}
