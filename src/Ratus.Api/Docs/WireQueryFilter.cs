using System.Reflection;
using Microsoft.OpenApi;
using Ratus.Api.Binding;
using Ratus.Application.Promises;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Ratus.Api.Docs;

// Documents the query the routes read beyond what ApiExplorer sees: a promise's members may come from the query,
// where they override the body's (PromiseQuery), and the pagination values, bound as text so that a bad one gets
// the original's error message, are integers.
public sealed class WireQueryFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        operation.Parameters ??= [];
        if (context.MethodInfo.GetParameters().Any(p => p.ParameterType == typeof(PromiseDraft) && p.GetCustomAttribute<WireBodyAttribute>() is not null))
        {
            operation.Parameters.Add(Query("_id", Text(), "The task to claim (the path's ID on a by-ID route). Overrides the body's."));
            operation.Parameters.Add(Query("consumer", Text(), "The consumer's name, copied into the task. Overrides the body's."));
            operation.Parameters.Add(Query("deadline", new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" },
                "When the promise expires (RFC 3339); wins over timeout. Overrides the body's; an unparsable value is ignored."));
            operation.Parameters.Add(Query("timeout", Text(), "How long the promise lasts, as a Go duration such as 30s or 1h30m (default 10m). Overrides the body's."));
        }

        foreach (var parameter in operation.Parameters.OfType<OpenApiParameter>().Where(p => p.In == ParameterLocation.Query))
        {
            (parameter.Schema, parameter.Description) = parameter.Name switch
            {
                "limit" => (Count(), "Page size: 0 or absent means 10; at most --pagination-max-limit (100)."),
                "offset" => (Count(), "Resources to skip; at most --pagination-max-offset (10000)."),
                _ => (parameter.Schema, parameter.Description),
            };
        }
    }

    private static OpenApiParameter Query(string name, OpenApiSchema schema, string description) =>
        new() { Name = name, In = ParameterLocation.Query, Schema = schema, Description = description };

    private static OpenApiSchema Text() => new() { Type = JsonSchemaType.String };

    private static OpenApiSchema Count() => new() { Type = JsonSchemaType.Integer, Format = "int64", Minimum = "0" };
}
