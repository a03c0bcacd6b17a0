using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.Swagger;

namespace Ratus.Api.Docs;

// The API description at the original's addresses (/swagger.json is Swagger 2.0, /openapi.json OpenAPI 3)
// and at Swashbuckle's usual one, with Swagger UI at / and /swagger.
public static class OpenApiEndpoints
{
    public const string DocumentName = "v1";
    public const string Title = "Ratus API Specification";

    public static WebApplication MapOpenApiDocuments(this WebApplication app)
    {
        Map(app, "/openapi.json", OpenApiSpecVersion.OpenApi3_0, yaml: false);
        Map(app, "/openapi.yaml", OpenApiSpecVersion.OpenApi3_0, yaml: true);
        Map(app, "/swagger.json", OpenApiSpecVersion.OpenApi2_0, yaml: false);
        Map(app, "/swagger.yaml", OpenApiSpecVersion.OpenApi2_0, yaml: true);
        Map(app, $"/swagger/{DocumentName}/swagger.json", OpenApiSpecVersion.OpenApi3_0, yaml: false);
        return app;
    }

    private static void Map(WebApplication app, string path, OpenApiSpecVersion version, bool yaml) =>
        app.MapGet(path, async (HttpContext context, ISwaggerProvider provider) =>
        {
            var document = provider.GetSwagger(DocumentName);
            context.Response.ContentType = yaml ? "application/yaml; charset=utf-8" : "application/json; charset=utf-8";
            using var buffer = new MemoryStream();
            if (yaml)
            {
                await document.SerializeAsYamlAsync(buffer, version, context.RequestAborted);
            }
            else
            {
                await document.SerializeAsJsonAsync(buffer, version, context.RequestAborted);
            }

            context.Response.ContentLength = buffer.Length;
            buffer.Position = 0;
            await buffer.CopyToAsync(context.Response.Body, context.RequestAborted);
        }).ExcludeFromDescription();
}
