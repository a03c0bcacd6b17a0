using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding.Validation;

namespace Ratus.Api.Binding;

// MVC's data-annotation validation walks every bound object on every request (≈ 5 % of a push's server CPU, seen in a
// profile) and finds nothing: the wire models carry no annotations, and the validators of the application layer
// decide what is valid, in the mediator's pipeline.
internal sealed class NoObjectModelValidation : IObjectModelValidator
{
    public void Validate(ActionContext actionContext, ValidationStateDictionary? validationState, string prefix, object? model)
    {
    }
}
