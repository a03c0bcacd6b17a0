using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Ratus.Api.Docs;

// Lists each operation's responses by status code (Swagger UI shows them in document order), so that the successful
// answer comes before the controller-wide 500 and 503.
public sealed class ResponseOrderFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (operation.Responses is not { Count: > 1 } responses)
        {
            return;
        }

        var ordered = responses.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        responses.Clear();
        foreach (var (status, response) in ordered)
        {
            responses[status] = response;
        }
    }
}
