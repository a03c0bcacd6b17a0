using System.Reflection;
using Microsoft.OpenApi;
using Ratus.Api.Contracts;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Ratus.Api.Docs;

// Documents the body that the wire binder reads, which ApiExplorer cannot see.
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
                ["application/json"] = new OpenApiMediaType { Schema = context.SchemaGenerator.GenerateSchema(body.Type, context.SchemaRepository) },
            },
        };
    }
}
