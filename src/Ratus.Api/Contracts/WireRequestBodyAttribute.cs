namespace Ratus.Api.Contracts;

// Names the documented shape of a body that the wire binder reads, and an example of it (JSON text).
[AttributeUsage(AttributeTargets.Method)]
public sealed class WireRequestBodyAttribute(Type type, bool required) : Attribute
{
    public Type Type { get; } = type;

    public bool Required { get; } = required;

    public string? Example { get; set; }
}
