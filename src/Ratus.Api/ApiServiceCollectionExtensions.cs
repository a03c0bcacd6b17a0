using System.Diagnostics.Metrics;
using System.IO.Compression;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ModelBinding.Validation;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.OpenApi;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Ratus.Api.Binding;
using Ratus.Api.Cli;
using Ratus.Api.Docs;
using Ratus.Application.Diagnostics;

namespace Ratus.Api;

public static class ApiServiceCollectionExtensions
{
    public const string MeterName = RatusMetrics.MeterName;

    // Series per ratus_* metric (label combinations), configurable as Metrics:CardinalityLimit.
    public const int DefaultCardinalityLimit = 200;
    public const string CardinalityLimitKey = "Metrics:CardinalityLimit";

    public const string ServiceName = "ratus";

    /// The standard OpenTelemetry variable (or configuration key) that switches the OTLP trace exporter on.
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    // Registers controllers, wire formats, routing, compression and documentation of the HTTP API.
    public static IServiceCollection AddRatusApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ServerOptions>()
            .BindConfiguration(ServerOptions.SectionName)
            .Validate(o => o.MaxBodySize > 0, "max body size must be a positive number of bytes")
            .ValidateOnStart();
        // Bodies are JSON whatever their Content-Type; MVC's form value providers would consume
        // `curl -d` bodies (form-urlencoded) before the wire binder reads them.
        services.AddControllers(o =>
            {
                o.ValueProviderFactories.RemoveType<FormValueProviderFactory>();
                o.ValueProviderFactories.RemoveType<FormFileValueProviderFactory>();
                o.ValueProviderFactories.RemoveType<JQueryFormValueProviderFactory>();
            })
            .ConfigureApiBehaviorOptions(o => o.SuppressModelStateInvalidFilter = true);
        services.AddSingleton<IObjectModelValidator, NoObjectModelValidation>();

        services.AddResponseCompression(o =>
        {
            o.EnableForHttps = true;
            o.Providers.Add<GzipCompressionProvider>();
            o.MimeTypes =
            [
                "application/json", "application/yaml", "text/plain", "text/html", "text/css",
                "text/javascript", "application/javascript", "application/openmetrics-text",
            ];
        });
        services.Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);

        services.TryAddEnumerable(ServiceDescriptor.Transient<IApiDescriptionProvider, WireBodyApiDescriptionProvider>());
        services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc(OpenApiEndpoints.DocumentName, new OpenApiInfo
            {
                Title = OpenApiEndpoints.Title,
                Version = "v1",
                Description = "RESTful asynchronous task queue server. Every route is also served without the /v1 prefix.",
            });
            o.IncludeXmlComments(Path.Combine(AppContext.BaseDirectory, "ratus.xml"));
            o.OperationFilter<WireRequestBodyFilter>();
            o.OperationFilter<WireQueryFilter>();
            o.OperationFilter<ResponseOrderFilter>();
            o.SchemaFilter<WireSchemaFilter>();
            o.DocumentFilter<MetricsDocumentFilter>();
        });

        var cardinalityLimit = configuration.GetValue(CardinalityLimitKey, DefaultCardinalityLimit);
        services.AddOpenTelemetry().WithMetrics(m => m
            .AddMeter(MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime")
            .AddView(instrument => RatusView(instrument, cardinalityLimit))
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0))
            .WithTracing(t => ConfigureTracing(t, configuration));
        return services;
    }

    // With an OTLP endpoint, spans are sampled by the SDK's defaults (OTEL_TRACES_SAMPLER and the like) and exported.
    // Without one there is no exporter, and only requests that arrive with a sampled `traceparent` are recorded; the
    // others make unrecorded, propagation-only activities, so a push stores the producer's context it was sent and
    // never a reference to a server span that nobody receives.
    private static void ConfigureTracing(TracerProviderBuilder tracing, IConfiguration configuration)
    {
        tracing
            .ConfigureResource(r => r.AddService(ServiceName, serviceVersion: RatusCommandLine.Version))
            .AddSource(TraceContext.SourceName)
            .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsScrape(context.Request.Path));
        if (IsOtlpEnabled(configuration))
        {
            tracing.AddOtlpExporter();
        }
        else
        {
            tracing.SetSampler(new ParentBasedSampler(new AlwaysOffSampler()));
        }
    }

    internal static bool IsOtlpEnabled(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration[OtlpEndpointKey]);

    private static bool IsScrape(PathString path) =>
        path.StartsWithSegments("/metrics", StringComparison.Ordinal) || path.StartsWithSegments("/v1/metrics", StringComparison.Ordinal)
        || path.StartsWithSegments("/livez", StringComparison.Ordinal) || path.StartsWithSegments("/v1/livez", StringComparison.Ordinal)
        || path.StartsWithSegments("/readyz", StringComparison.Ordinal) || path.StartsWithSegments("/v1/readyz", StringComparison.Ordinal);

    // The original's histogram buckets, and a bound on every ratus_* series: labels carry user-chosen topics,
    // producers and consumers. Past the limit, new label sets are folded into one series labelled
    // otel_metric_overflow="true"; label sets already seen keep their series for the life of the process.
    // ratus_tasks has five series (states) per topic, so it gets five times the limit.
    private static MetricStreamConfiguration? RatusView(Instrument instrument, int cardinalityLimit)
    {
        if (instrument.Meter.Name != MeterName)
        {
            return null;
        }

        return instrument.Name switch
        {
            RatusMetrics.RequestDuration or RatusMetrics.ChoreDuration => new ExplicitBucketHistogramConfiguration
            {
                Boundaries = RatusMetrics.DurationBuckets,
                CardinalityLimit = cardinalityLimit,
            },
            RatusMetrics.Tasks => new MetricStreamConfiguration { CardinalityLimit = cardinalityLimit * 5 },
            _ => new MetricStreamConfiguration { CardinalityLimit = cardinalityLimit },
        };
    }
}
