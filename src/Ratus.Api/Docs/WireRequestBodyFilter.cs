using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Ratus.Api.Contracts;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Ratus.Api.Docs;

// Documents the body that the wire binder reads, which ApiExplorer cannot see, with an example that Swagger UI's
// "Try it out" can send as it is; and the 413 for a body over --max-body-size.
public sealed class WireRequestBodyFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (context.MethodInfo.GetCustomAttribute<WireRequestBodyAttribute>() is not { } body)
        {
            return;
        }

        operation.RequestBody = new OpenApiRequestBody
        {
            Required = body.Required,
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                ["application/json"] = new OpenApiMediaType
                {
                    Schema = context.SchemaGenerator.GenerateSchema(body.Type, context.SchemaRepository),
                    Example = body.Example is null ? null : JsonNode.Parse(body.Example),
                },
            },
        };
        operation.Responses ??= [];
        operation.Responses["413"] = new OpenApiResponse
        {
            Description = "Payload Too Large",
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                ["application/json"] = new OpenApiMediaType { Schema = context.SchemaGenerator.GenerateSchema(typeof(ErrorResource), context.SchemaRepository) },
            },
        };
    }
}
