using Ratus.Api.Json;
using Ratus.Application.Promises;

namespace Ratus.Api.Binding;

public static class PromiseQuery
{
    // Query values override the body's. An unparsable query deadline is dropped, as in the original, so the
    // default timeout applies.
    public static PromiseDraft Merge(PromiseDraft body, IQueryCollection query)
    {
        if (query.Count == 0)
        {
            return body;
        }

        var promise = body;
        if (query.TryGetValue("_id", out var id))
        {
            promise = promise with { Id = id.ToString() };
        }

        if (query.TryGetValue("consumer", out var consumer))
        {
            promise = promise with { Consumer = consumer.ToString() };
        }

        if (query.TryGetValue("timeout", out var timeout))
        {
            promise = promise with { Timeout = timeout.ToString() };
        }

        if (query.TryGetValue("deadline", out var deadline) && Rfc3339.TryParse(deadline.ToString(), out var parsed, out _))
        {
            promise = promise with { Deadline = parsed };
        }

        return promise;
    }
}
