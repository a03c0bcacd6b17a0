using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Ratus.Api.Tests.Robustness;

// Input that once reached a 500: every one must be a 400 with the envelope, and store nothing.
public sealed class HostileInputTests
{
    private WebApplicationFactory<Program> _factory = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public void StartServer()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b.UseSetting("Engine:Name", "memdb"));
        _client = _factory.CreateClient();
    }

    [OneTimeTearDown]
    public async Task StopServer()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [TestCase(new byte[] { 0x7b, 0x22, 0x5f, 0x69, 0x64, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d }, "not valid UTF-8")]
    [TestCase(new byte[] { 0x7b, 0x22, 0x70, 0x61, 0x79, 0x6c, 0x6f, 0x61, 0x64, 0x22, 0x3a, 0x22, 0xc3, 0x22, 0x7d }, "not valid UTF-8")]
    public async Task PostTask_InvalidUtf8_Returns400AndStoresNothing(byte[] body, string phrase)
    {
        var id = Guid.NewGuid().ToString("N");

        using var response = await _client.PostAsync($"/v1/topics/hostile/tasks/{id}", new ByteArrayContent(body));

        await AssertBadRequestAsync(response, phrase);
        Assert.That((await _client.GetAsync($"/v1/topics//tasks/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [TestCase("9999-12-31T23:59:59-23:59")]
    [TestCase("0001-01-01T00:00:00+00:01")]
    public async Task PostTask_TimeOutsideRepresentableRange_Returns400(string scheduled)
    {
        using var response = await _client.PostAsync($"/v1/topics/hostile/tasks/{Guid.NewGuid():N}",
            new StringContent($$"""{"scheduled":"{{scheduled}}"}"""));

        await AssertBadRequestAsync(response, "time out of range");
    }

    [Test]
    public async Task PostTask_NestingDeeperThanLimit_Returns400()
    {
        var payload = new string('[', 300) + new string(']', 300);

        using var response = await _client.PostAsync($"/v1/topics/hostile/tasks/{Guid.NewGuid():N}",
            new StringContent($$"""{"payload":{{payload}}}"""));

        await AssertBadRequestAsync(response, "depth");
    }

    private static async Task AssertBadRequestAsync(HttpResponseMessage response, string phrase)
    {
        using var envelope = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = envelope.RootElement.GetProperty("error");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(error.GetProperty("code").GetInt32(), Is.EqualTo(400));
            Assert.That(error.GetProperty("message").GetString(), Does.StartWith("bad request: ").And.Contain(phrase));
        }
    }
}
