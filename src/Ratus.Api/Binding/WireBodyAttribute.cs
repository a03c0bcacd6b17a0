using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Ratus.Api.Binding;

// Binds a request body with the wire reader instead of an input formatter: the original parses every body
// as JSON whatever its Content-Type (curl -d sends form-urlencoded), and its error phrases are part of the contract.
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class WireBodyAttribute : ModelBinderAttribute
{
    public WireBodyAttribute()
        : base(typeof(WireBodyBinder)) => BindingSource = BindingSource.Custom;
}
