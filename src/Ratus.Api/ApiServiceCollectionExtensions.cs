using System.IO.Compression;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.OpenApi;
using OpenTelemetry.Metrics;
using Ratus.Api.Docs;

namespace Ratus.Api;

public static class ApiServiceCollectionExtensions
{
    public const string MeterName = "Ratus";

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
            o.DocumentFilter<MetricsDocumentFilter>();
        });

        services.AddOpenTelemetry().WithMetrics(m => m
            .AddMeter(MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime")
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        return services;
    }
}
