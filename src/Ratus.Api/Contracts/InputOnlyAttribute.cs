namespace Ratus.Api.Contracts;

// A member that requests may carry and responses never do (documented as writeOnly).
[AttributeUsage(AttributeTargets.Property)]
public sealed class InputOnlyAttribute : Attribute;
