using Ratus.Api.Docs;
using Ratus.Api.Errors;
using Ratus.Api.Middleware;
using Ratus.Api.Routing;

namespace Ratus.Api;

public static class ApiApplicationBuilderExtensions
{
    // Adds the HTTP API's middleware and endpoints to the pipeline.
    public static WebApplication UseRatusApi(this WebApplication app)
    {
        app.UseResponseCompression();
        app.UseMiddleware<ErrorEnvelopeMiddleware>();
        app.UseMiddleware<CorsMiddleware>();
        app.UseMiddleware<RawPathRouter>();
        app.UseMiddleware<SwaggerUiPaths>();
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "";
            o.DocumentTitle = OpenApiEndpoints.Title;
            o.SwaggerEndpoint("/openapi.json", OpenApiEndpoints.Title);
        });
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "swagger";
            o.DocumentTitle = OpenApiEndpoints.Title;
            o.SwaggerEndpoint("/openapi.json", OpenApiEndpoints.Title);
        });
        app.UseRouting();
        app.UseEndpoints(_ => { });
        app.MapControllers();
        app.MapPrometheusScrapingEndpoint("/" + ApiRoutes.Metrics);
        app.MapOpenApiDocuments();
        app.Run(NotFoundFallback.WriteAsync);
        return app;
    }
}
