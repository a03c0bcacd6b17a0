using FluentValidation;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Ratus.Application.Abstractions;
using Ratus.Application.Behaviors;
using Ratus.Application.Common;
using Ratus.Application.Diagnostics;

namespace Ratus.Application;

public static class DependencyInjection
{
    public static IServiceCollection AddApplication(this IServiceCollection services)
    {
        // Singleton throughout: handlers, behaviours and validators are stateless, and scoped validators
        // would be rebuilt on every request (measured at 11–13 µs each, see docs/decisions/0003-singleton-mediator-and-wire-codecs.md).
        services.AddMediator((MediatorOptions options) =>
        {
            options.ServiceLifetime = ServiceLifetime.Singleton;
            options.Assemblies = [typeof(DependencyInjection)];
            options.PipelineBehaviors = [typeof(TracingBehavior<,>), typeof(LoggingBehavior<,>), typeof(ValidationBehavior<,>), typeof(MetricsBehavior<,>)];
        });
        services.AddRatusMetrics();
        services.AddValidatorsFromAssemblyContaining<PageValidator>(ServiceLifetime.Singleton, includeInternalTypes: true);
        services.AddOptions<PaginationOptions>().BindConfiguration(PaginationOptions.SectionName).ValidateOnStart();
        return services;
    }

    // The ratus_* instruments (one RatusMetrics per container, on the host's IMeterFactory); safe to call twice.
    public static IServiceCollection AddRatusMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RatusMetrics>();
        services.TryAddSingleton<ITaskRecoveryObserver>(sp => sp.GetRequiredService<RatusMetrics>());
        services.TryAddSingleton<IStorageFailureObserver>(sp => sp.GetRequiredService<RatusMetrics>());
        return services;
    }
}
