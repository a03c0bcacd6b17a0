using System.Globalization;
using System.Text.Json;

namespace Ratus.Api.Tests.Docs;

/// The parts of an OpenAPI 3.0 document the tests read: operations, `$ref`s resolved, and a validator for the subset of
/// JSON Schema that the document uses (object, array, string, integer, date-time, required, nullable, an empty schema).
internal sealed class OpenApiSchema(JsonElement document)
{
    public static readonly string[] Methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    public JsonElement Document => document;

    public IEnumerable<(string Method, string Path, JsonElement Operation)> Operations() =>
        from path in document.GetProperty("paths").EnumerateObject()
        from method in path.Value.EnumerateObject()
        where Methods.Contains(method.Name)
        select (method.Name, path.Name, method.Value);

    public JsonElement Operation(string method, string path) => document.GetProperty("paths").GetProperty(path).GetProperty(method);

    public IReadOnlyDictionary<string, JsonElement> Schemas() =>
        document.GetProperty("components").GetProperty("schemas").EnumerateObject().ToDictionary(p => p.Name, p => p.Value);

    public JsonElement Resolve(JsonElement schema)
    {
        while (schema.TryGetProperty("$ref", out var reference))
        {
            schema = Schemas()[SchemaName(reference.GetString()!)];
        }

        return schema;
    }

    public static string SchemaName(string reference) => reference["#/components/schemas/".Length..];

    public static string[] Properties(JsonElement schema) =>
        schema.TryGetProperty("properties", out var properties) ? [.. properties.EnumerateObject().Select(p => p.Name)] : [];

    public static string[] Required(JsonElement schema) =>
        schema.TryGetProperty("required", out var required) ? [.. required.EnumerateArray().Select(r => r.GetString()!)] : [];

    public static string? Type(JsonElement schema) => schema.TryGetProperty("type", out var type) ? type.GetString() : null;

    public static bool Flag(JsonElement schema, string name) => schema.TryGetProperty(name, out var value) && value.GetBoolean();

    /// The schemas a schema names, itself included, through `$ref`s, properties and array items.
    public IEnumerable<string> Reachable(JsonElement schema)
    {
        var seen = new HashSet<string>();
        var pending = new Stack<JsonElement>([schema]);
        while (pending.TryPop(out var next))
        {
            if (next.TryGetProperty("$ref", out var reference))
            {
                var name = SchemaName(reference.GetString()!);
                if (seen.Add(name))
                {
                    pending.Push(Schemas()[name]);
                }

                continue;
            }

            if (next.TryGetProperty("items", out var items))
            {
                pending.Push(items);
            }

            if (next.TryGetProperty("properties", out var properties))
            {
                foreach (var property in properties.EnumerateObject())
                {
                    pending.Push(property.Value);
                }
            }
        }

        return seen;
    }

    /// What is wrong with a JSON value as an instance of a schema; empty when it conforms.
    public List<string> Validate(JsonElement value, JsonElement schema, string at = "$")
    {
        var errors = new List<string>();
        Validate(value, schema, at, errors);
        return errors;
    }

    private void Validate(JsonElement value, JsonElement schema, string at, List<string> errors)
    {
        schema = Resolve(schema);
        if (value.ValueKind == JsonValueKind.Null)
        {
            if (Type(schema) is not null && !Flag(schema, "nullable"))
            {
                errors.Add($"{at}: null where the schema is not nullable");
            }

            return;
        }

        switch (Type(schema))
        {
            case null:
                return;
            case "object" when value.ValueKind == JsonValueKind.Object:
                var properties = Properties(schema);
                foreach (var member in value.EnumerateObject())
                {
                    if (properties.Contains(member.Name))
                    {
                        Validate(member.Value, schema.GetProperty("properties").GetProperty(member.Name), $"{at}.{member.Name}", errors);
                    }
                    else
                    {
                        errors.Add($"{at}.{member.Name}: not a documented property");
                    }
                }

                errors.AddRange(Required(schema).Where(r => !value.TryGetProperty(r, out _)).Select(r => $"{at}.{r}: required but absent"));
                return;
            case "array" when value.ValueKind == JsonValueKind.Array:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    Validate(item, schema.GetProperty("items"), $"{at}[{index++}]", errors);
                }

                return;
            case "string" when value.ValueKind == JsonValueKind.String:
                if (schema.TryGetProperty("format", out var format) && format.GetString() == "date-time"
                    && !DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, out _))
                {
                    errors.Add($"{at}: {value} is not a date-time");
                }

                return;
            case "integer" when value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number):
                if ((schema.TryGetProperty("minimum", out var minimum) && number < minimum.GetInt64())
                    || (schema.TryGetProperty("maximum", out var maximum) && number > maximum.GetInt64()))
                {
                    errors.Add($"{at}: {number} out of range");
                }

                return;
            default:
                errors.Add($"{at}: {value.ValueKind} where the schema says {Type(schema)}");
                return;
        }
    }
}
