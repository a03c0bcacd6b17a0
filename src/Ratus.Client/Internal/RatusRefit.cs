using System.Net.Http.Headers;
using System.Text.Json;
using Refit;

namespace Ratus.Client.Internal;

/// <summary>Refit settings shared by the DI and the standalone client: the source-generated JSON context, and error
/// responses turned into <see cref="RatusException"/> so that no Refit type reaches callers.</summary>
internal static class RatusRefit
{
    public static RefitSettings CreateSettings()
    {
        var settings = RefitSettings.ForJsonContext(RatusJsonContext.Default);
        // Serialise each body before sending it, so that it goes out with a Content-Length rather than chunked: some
        // proxies and servers refuse or mishandle chunked requests, and the bodies are small.
        settings.Buffered = true;
        settings.ExceptionFactory = CreateExceptionAsync;
        // Transport failures reach callers as the HttpRequestException (or cancellation) the handler chain threw.
        settings.TransportExceptionFactory = static (_, error, _) => error;
        settings.DeserializationExceptionFactory = static (response, error) => ValueTask.FromResult<Exception?>(new RatusException(
            (int)response.StatusCode, "The response of the Ratus server could not be read: " + error.Message, error));
        return settings;
    }

    public static async ValueTask<Exception?> CreateExceptionAsync(HttpResponseMessage response)
    {
        if (response.IsSuccessStatusCode)
        {
            return null;
        }

        int status = (int)response.StatusCode;
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return new RatusException(status, Describe(response), e);
        }

        return RatusException.Create(status, ParseMessage(body) ?? Describe(response));
    }

    internal static string? ParseMessage(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            var envelope = JsonSerializer.Deserialize(body, RatusJsonContext.Default.ErrorEnvelope);
            return envelope?.Error?.Message is { Length: > 0 } message ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Describe(HttpResponseMessage response) =>
        $"The Ratus server answered {(int)response.StatusCode} {response.ReasonPhrase} without an error envelope.";

    /// <summary>Applies <see cref="RatusClientOptions"/> to an <see cref="HttpClient"/>.</summary>
    public static void Configure(HttpClient client, RatusClientOptions options)
    {
        client.BaseAddress = options.BaseAddress;
        client.Timeout = options.Timeout;
        foreach (var (name, value) in options.Headers)
        {
            client.DefaultRequestHeaders.Remove(name);
            client.DefaultRequestHeaders.TryAddWithoutValidation(name, value);
        }

        if (client.DefaultRequestHeaders.UserAgent.Count == 0)
        {
            client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Ratus-Client", null));
        }
    }
}
