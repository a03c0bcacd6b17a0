using System.Text.Json;
using Microsoft.Playwright;

namespace Ratus.Ui.Tests;

/// Swagger UI at the server's root, driven as a user does: expand an operation, "Try it out", fill in the
/// parameters and the body, "Execute"; then the request that went out and the answer the page shows.
internal sealed class SwaggerUiPage(IPage page)
{
    public IPage Page => page;

    public async Task OpenAsync()
    {
        page.SetDefaultTimeout(60_000);
        await page.GotoAsync(UiServer.Origin + "/");
        await page.Locator(".opblock").First.WaitForAsync();
    }

    /// <param name="operation">Swagger UI's element ID after "operations-", e.g. Tasks-post_v1_topics__topic__tasks__id_.</param>
    /// <param name="parameters">Values by (name, location), typed into the parameter fields.</param>
    /// <param name="body">Typed over the example body; null leaves the example as the document gives it.</param>
    public async Task<Execution> TryItOutAsync(string operation, IReadOnlyDictionary<(string Name, string In), string> parameters, string? body = null)
    {
        var block = page.Locator($"#operations-{operation}");
        await block.Locator(".opblock-summary-control").ClickAsync();
        await block.Locator(".opblock-body").WaitForAsync();
        await block.Locator(".try-out__btn").ClickAsync();
        await block.Locator("button.execute").WaitForAsync();
        foreach (var ((name, location), value) in parameters)
        {
            var field = block.Locator($"tr[data-param-name=\"{name}\"][data-param-in=\"{location}\"] input");
            Assert.That(await field.CountAsync(), Is.EqualTo(1), $"{operation} has no {location} parameter {name}");
            await field.FillAsync(value);
        }

        if (body is not null)
        {
            await block.Locator("textarea.body-param__text").FillAsync(body);
        }

        var request = await page.RunAndWaitForRequestAsync(
            () => block.Locator("button.execute").ClickAsync(),
            r => r.Url.StartsWith(UiServer.Origin + "/v1/", StringComparison.Ordinal));
        var response = await request.ResponseAsync() ?? throw new AssertionException($"no response to {request.Method} {request.Url}");

        var live = block.Locator(".live-responses-table .response");
        var status = await live.Locator(".response-col_status").InnerTextAsync();
        var shownBody = live.Locator(".response-col_description .highlight-code pre");
        return new Execution(block, request, response, status.Trim(), await shownBody.CountAsync() == 0 ? "" : await shownBody.InnerTextAsync());
    }

    public static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// The JSON text without insignificant white space, as the page pretty-prints bodies.
    public static string Compact(string json) => JsonSerializer.Serialize(Json(json));
}

// One "Execute": the operation's element, the request and response on the network, and the status and body that the
// page shows under "Server response" (the body empty when there is none).
internal sealed record Execution(ILocator Block, IRequest Request, IResponse Response, string ShownStatus, string ShownBody);
