using System.Reflection;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.Controllers;
using Ratus.Api.Binding;

namespace Ratus.Api.Docs;

// ApiExplorer cannot see where a custom binder reads from, so it reports a [WireBody] parameter as a query parameter
// named after the C# argument and typed as the internal draft (`?task=…` with `id`, `traceParent`, a byte-string
// payload). The wire body and the query it reads are documented by WireRequestBodyFilter and WireQueryFilter instead.
public sealed class WireBodyApiDescriptionProvider : IApiDescriptionProvider
{
    // After DefaultApiDescriptionProvider (-1000) has described the parameters.
    public int Order => 0;

    public void OnProvidersExecuting(ApiDescriptionProviderContext context)
    {
    }

    public void OnProvidersExecuted(ApiDescriptionProviderContext context)
    {
        foreach (var description in context.Results)
        {
            for (var i = description.ParameterDescriptions.Count - 1; i >= 0; i--)
            {
                if (IsWireBody(description.ParameterDescriptions[i]))
                {
                    description.ParameterDescriptions.RemoveAt(i);
                }
            }
        }
    }

    private static bool IsWireBody(ApiParameterDescription parameter) =>
        parameter.ParameterDescriptor is ControllerParameterDescriptor { ParameterInfo: var info }
        && info.GetCustomAttribute<WireBodyAttribute>() is not null;
}
