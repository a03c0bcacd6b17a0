using Microsoft.OpenApi;
using Ratus.Api.Routing;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Ratus.Api.Docs;

// The Prometheus endpoint is not an MVC action, so ApiExplorer does not see it; the original documents it.
public sealed class MetricsDocumentFilter : IDocumentFilter
{
    public void Apply(OpenApiDocument swaggerDoc, DocumentFilterContext context)
    {
        var operation = new OpenApiOperation
        {
            Summary = "Prometheus metrics in the text exposition format.",
            Responses = new OpenApiResponses
            {
                ["200"] = new OpenApiResponse
                {
                    Description = "OK",
                    Content = new Dictionary<string, IOpenApiMediaType> { ["text/plain"] = new OpenApiMediaType() },
                },
            },
        };
        var item = new OpenApiPathItem();
        item.AddOperation(HttpMethod.Get, operation);
        swaggerDoc.Paths["/" + ApiRoutes.Metrics] = item;
    }
}
