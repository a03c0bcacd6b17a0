using System.Net;
using System.Text.RegularExpressions;
using Ratus.Api.Tests.Support;

namespace Ratus.Api.Tests.Deployment;

/// Every path the deployments call (Kubernetes probes, the image's health check, Prometheus) is a route the server
/// answers with 200, asked of the real server in-process.
public sealed partial class ProbeRouteTests : ApiTestBase
{
    internal const string MetricsPath = "/metrics";

    private static IEnumerable<string> Paths()
    {
        var healthCheck = HealthCheckPath().Match(string.Join(' ', DockerfileTests.HealthCheckCommand));
        Assert.That(healthCheck.Success, Is.True, "the HEALTHCHECK sends a GET");
        return KubernetesTests.HttpProbePaths().Append(healthCheck.Groups[1].Value).Append(MetricsPath).Distinct();
    }

    [Test]
    public async Task DeploymentPaths_Answer200()
    {
        var paths = Paths().ToList();
        Assert.That(paths, Is.SupersetOf(new[] { "/v1/livez", "/v1/readyz", "/livez", MetricsPath }));
        foreach (var path in paths)
        {
            using var response = await Client.GetAsync(new Uri(path, UriKind.Relative));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), path);
        }
    }

    [GeneratedRegex(@"GET (\S+) HTTP/")]
    private static partial Regex HealthCheckPath();
}
