using System.Reflection;
using System.Text.Json.Serialization;
using Microsoft.OpenApi;
using Ratus.Api.Contracts;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Ratus.Api.Docs;

// The wire omits a member that has no value instead of writing null, so no member of a wire shape is nullable
// (a null that a request sends reads as absent); and input-only members are writeOnly.
public sealed class WireSchemaFilter : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (context.Type.Namespace != typeof(TaskResource).Namespace || schema is not OpenApiSchema { Properties: { } properties })
        {
            return;
        }

        foreach (var member in context.Type.GetProperties())
        {
            if (member.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name is not { } name
                || !properties.TryGetValue(name, out var property) || property is not OpenApiSchema value)
            {
                continue;
            }

            if (value.Type is { } type)
            {
                value.Type = type & ~JsonSchemaType.Null;
            }

            value.WriteOnly = member.GetCustomAttribute<InputOnlyAttribute>() is not null;
        }
    }
}
