using System.Net;
using Ratus.Api.Tests.Support;

namespace Ratus.Api.Tests.Http;

public sealed class MetricsTests : ApiTestBase
{
    // The Grafana dashboard under deployments/ charts these series by route.
    [Test]
    public async Task Metrics_AfterARequest_ExposesRequestDurationByRoute()
    {
        await Client.GetAsync("/v1/topics");

        using var response = await Client.GetAsync("/metrics");
        var exposition = await response.Content.ReadAsStringAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
            Assert.That(exposition, Does.Contain("http_server_request_duration_seconds_bucket{"));
            Assert.That(exposition, Does.Contain("http_route=\"v1/topics\""));
        }
    }
}
