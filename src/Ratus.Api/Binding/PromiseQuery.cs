using Microsoft.Extensions.Primitives;
using Ratus.Api.Json;
using Ratus.Application.Promises;

namespace Ratus.Api.Binding;

public static class PromiseQuery
{
    // Query values override the body's. An unparsable query deadline is dropped, as in the original, so the
    // default timeout applies. A repeated parameter takes its first value, as gin's query binding does.
    public static PromiseDraft Merge(PromiseDraft body, IQueryCollection query)
    {
        if (query.Count == 0)
        {
            return body;
        }

        var promise = body;
        if (query.TryGetValue("_id", out var id))
        {
            promise = promise with { Id = First(id) };
        }

        if (query.TryGetValue("consumer", out var consumer))
        {
            promise = promise with { Consumer = First(consumer) };
        }

        if (query.TryGetValue("timeout", out var timeout))
        {
            promise = promise with { Timeout = First(timeout) };
        }

        if (query.TryGetValue("deadline", out var deadline) && Rfc3339.TryParse(First(deadline), out var parsed, out _))
        {
            promise = promise with { Deadline = parsed };
        }

        return promise;
    }

    private static string First(StringValues values) => values.Count > 0 ? values[0] ?? "" : "";
}
