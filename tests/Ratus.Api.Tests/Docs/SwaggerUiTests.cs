using Microsoft.AspNetCore.Mvc.Testing;

namespace Ratus.Api.Tests.Docs;

public sealed class SwaggerUiTests
{
    private WebApplicationFactory<Program> _factory = null!;

    [OneTimeSetUp]
    public void StartServer() =>
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b.UseSetting("Engine:Name", "memdb"));

    [OneTimeTearDown]
    public async Task StopServer() => await _factory.DisposeAsync();

    // Served at "/" (not "/index.html"), Swagger UI resolves a relative document URL against "/" itself and
    // renders "does not specify a valid version field" in a browser; the URL must be absolute.
    [TestCase("/index.js")]
    [TestCase("/swagger/index.js")]
    public async Task Initializer_PointsAtAbsoluteDocumentUrl(string path)
    {
        using var client = _factory.CreateClient();

        var script = await client.GetStringAsync(path);

        Assert.That(script, Does.Contain("\"url\":\"/openapi.json\""));
    }

    [TestCase("/swagger-ui/swagger-ui.min.css", "text/css", ".swagger-ui")]
    [TestCase("/swagger-ui/swagger-ui-bundle.js", "javascript", "SwaggerUIBundle")]
    [TestCase("/swagger-ui/swagger-ui-standalone-preset.js", "javascript", "SwaggerUIStandalonePreset")]
    public async Task OriginalAssetPaths_ServeTheAssets(string path, string contentType, string content)
    {
        using var client = _factory.CreateClient();

        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(200));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Does.Contain(contentType));
            Assert.That(body, Does.Contain(content));
        }
    }
}
