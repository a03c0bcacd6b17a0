using Microsoft.Extensions.DependencyInjection;
using Ratus.Api.Tests.Support;
using static Ratus.Api.Tests.Support.Wire;

namespace Ratus.Api.Tests.Tracing;

// The OTLP exporter is registered only when OTEL_EXPORTER_OTLP_ENDPOINT is set. A fixture of its own, with no
// in-memory exporter alive in the process: activity listeners are process-wide and would record the spans here.
[TestFixture]
public sealed class ExporterSwitchTests
{
    [Test]
    public async Task NoOtlpEndpoint_NoExporter_AndNoTraceParentWithoutAHeader()
    {
        IServiceCollection? registered = null;
        await using var factory = new RatusApiFactory(services: s => registered = s);
        using var client = factory.CreateRawClient();
        var topic = Unique("trace");

        await client.SendAsync("POST", $"/v1/topics/{topic}/tasks/{Unique("id")}", "{}");
        var claimed = await (await client.SendAsync("POST", $"/v1/topics/{topic}/promises")).JsonAsync();

        Assert.That(OtlpRegistrations(registered!), Is.Empty);
        Assert.That(claimed.TryGetProperty("traceparent", out _), Is.False, "no exporter: an unrecorded server span is not stored");
    }

    [Test]
    public async Task OtlpEndpoint_RegistersTheExporter()
    {
        IServiceCollection? registered = null;
        await using var factory = new RatusApiFactory(
            new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9" },
            services: s => registered = s);
        using var client = factory.CreateRawClient();

        Assert.That(OtlpRegistrations(registered!), Is.Not.Empty);
    }

    private static List<ServiceDescriptor> OtlpRegistrations(IServiceCollection services) =>
        services.Where(d => Describe(d).Contains("Otlp", StringComparison.Ordinal)).ToList();

    private static string Describe(ServiceDescriptor descriptor) =>
        $"{descriptor.ServiceType} {(descriptor.IsKeyedService ? descriptor.KeyedImplementationType : descriptor.ImplementationType)}";
}
