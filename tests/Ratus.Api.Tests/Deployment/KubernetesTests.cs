namespace Ratus.Api.Tests.Deployment;

/// deployments/kubernetes: what `kubectl apply -k` would create, checked without a cluster.
public sealed class KubernetesTests
{
    private static IReadOnlyList<Node> Resources =>
        Kustomization["resources"].Strings
            .SelectMany(f => DeploymentFiles.LoadAll(Path.Combine(DeploymentFiles.KubernetesDirectory, f)))
            .ToList();

    private static Node Kustomization => DeploymentFiles.LoadSingle(Path.Combine(DeploymentFiles.KubernetesDirectory, "kustomization.yaml"));

    private static Node Deployment => Get("Deployment", "ratus");

    private static Node RatusContainer => Deployment["spec"]["template"]["spec"]["containers"].Items.Single();

    private static Node StatefulSet => Get("StatefulSet", "ratus-mongodb");

    private static IEnumerable<Node> Workloads => Resources.Where(r => r["kind"].Text is "Deployment" or "StatefulSet");

    private static IEnumerable<Node> Services => Resources.Where(r => r["kind"].Text == "Service");

    [Test]
    public void Kustomization_ListsEveryManifest_AndTheManifestsNameNoNamespace()
    {
        var manifests = Directory.EnumerateFiles(DeploymentFiles.KubernetesDirectory, "*.yaml")
            .Select(Path.GetFileName).Where(f => f != "kustomization.yaml");
        Assert.Multiple(() =>
        {
            Assert.That(Kustomization["resources"].Strings, Is.EquivalentTo(manifests));
            Assert.That(Resources.Select(r => $"{r["kind"].Text}/{r["metadata"]["name"].Text}"), Is.EquivalentTo(new[]
            {
                "Service/ratus", "Deployment/ratus", "Service/ratus-mongodb", "StatefulSet/ratus-mongodb",
            }));
            Assert.That(Resources.Where(r => r["metadata"]["namespace"].Exists), Is.Empty);
            Assert.That(Kustomization["images"].Items.Select(i => i["name"].Text), Does.Contain(ImageName(RatusContainer["image"].String)));
        });
    }

    [Test]
    public void Services_SelectExactlyTheirOwnWorkloadsPods()
    {
        var owners = new Dictionary<string, string> { ["ratus"] = "Deployment/ratus", ["ratus-mongodb"] = "StatefulSet/ratus-mongodb" };
        Assert.Multiple(() =>
        {
            Assert.That(Get("Service", "ratus")["spec"]["selector"].StringMap,
                Is.EquivalentTo(new Dictionary<string, string> { ["app.kubernetes.io/name"] = "ratus" }));
            foreach (var service in Services)
            {
                var name = service["metadata"]["name"].String;
                var selector = service["spec"]["selector"].StringMap;
                var selected = Workloads.Where(w => Selects(selector, PodLabels(w)))
                    .Select(w => $"{w["kind"].Text}/{w["metadata"]["name"].Text}");
                Assert.That(selected, Is.EqualTo(new[] { owners[name] }), $"Service {name} selects");
            }

            foreach (var workload in Workloads)
            {
                Assert.That(Selects(workload["spec"]["selector"]["matchLabels"].StringMap, PodLabels(workload)), Is.True,
                    $"{workload["metadata"]["name"].Text}: selector matches its own template");
            }
        });
    }

    [Test]
    public void Services_TargetNamedContainerPorts()
    {
        Assert.Multiple(() =>
        {
            foreach (var service in Services)
            {
                var workload = Workloads.Single(w => Selects(service["spec"]["selector"].StringMap, PodLabels(w)));
                var ports = workload["spec"]["template"]["spec"]["containers"].Items.SelectMany(c => c["ports"].Items)
                    .Select(p => p["name"].Text).ToList();
                foreach (var port in service["spec"]["ports"].Items)
                {
                    Assert.That(ports, Does.Contain(port["targetPort"].Text), $"{service["metadata"]["name"].Text} targetPort");
                }
            }
        });
    }

    [Test]
    public void RatusDeployment_RollingTwoReplicas_ProbesResourcesAndSecurity()
    {
        var spec = Deployment["spec"];
        var container = RatusContainer;
        var environment = Environment(container);
        var httpPort = container["ports"].Items.Single(p => p["name"].Text == "http")["containerPort"].String;
        Assert.Multiple(() =>
        {
            Assert.That(int.Parse(spec["replicas"].String, System.Globalization.CultureInfo.InvariantCulture), Is.GreaterThanOrEqualTo(2));
            Assert.That(spec["strategy"]["type"].String, Is.EqualTo("RollingUpdate"));
            Assert.That(container["livenessProbe"]["httpGet"]["path"].String, Is.EqualTo("/v1/livez"));
            Assert.That(container["readinessProbe"]["httpGet"]["path"].String, Is.EqualTo("/v1/readyz"));
            Assert.That(container["startupProbe"]["httpGet"]["path"].Exists, Is.True);
            foreach (var probe in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
            {
                Assert.That(container[probe]["httpGet"]["port"].String, Is.EqualTo("http"), probe);
            }

            Assert.That(environment.GetValueOrDefault("PORT", DockerfileTests.ImagePort.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                Is.EqualTo(httpPort), "the server listens on the port the probes call");
            foreach (var resource in new[] { "requests", "limits" })
            {
                Assert.That(container["resources"][resource]["cpu"].Exists || container["resources"][resource]["memory"].Exists, Is.True, resource);
            }

            Assert.That(container["resources"]["limits"]["memory"].Exists, Is.True);
            Assert.That(spec["template"]["spec"]["securityContext"]["runAsNonRoot"].String, Is.EqualTo("true"));
            Assert.That(container["securityContext"]["readOnlyRootFilesystem"].String, Is.EqualTo("true"));
            Assert.That(container["securityContext"]["allowPrivilegeEscalation"].String, Is.EqualTo("false"));
            Assert.That(container["volumeMounts"].Items.Select(m => m["mountPath"].Text), Does.Contain("/tmp"), "writable /tmp on a read-only root");
        });
    }

    [Test]
    public void RatusDeployment_UsesMongoDbThroughItsService_WithVariablesTheServerReads()
    {
        var environment = Environment(RatusContainer);
        var mongoService = Get("Service", "ratus-mongodb");
        var mongoPort = mongoService["spec"]["ports"][0]["port"].String;
        Assert.Multiple(() =>
        {
            Assert.That(environment.Keys, Is.SubsetOf(DeploymentFiles.ServerEnvironmentVariables));
            Assert.That(environment["ENGINE"], Is.EqualTo("mongodb"));
            Assert.That(new Uri(environment["MONGODB_URI"]).Host, Is.EqualTo(mongoService["metadata"]["name"].String));
            Assert.That(new Uri(environment["MONGODB_URI"]).Port.ToString(System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(mongoPort));
        });
    }

    [Test]
    public void MongoDb_OneReplicaStatefulSet_WithItsClaimAtDataDb_BehindAHeadlessService()
    {
        var spec = StatefulSet["spec"];
        var container = spec["template"]["spec"]["containers"].Items.Single();
        var claim = spec["volumeClaimTemplates"].Items.Single();
        Assert.Multiple(() =>
        {
            Assert.That(spec["replicas"].String, Is.EqualTo("1"));
            Assert.That(container["image"].String, Is.EqualTo("mongo:8.0"));
            Assert.That(container["volumeMounts"].Items.Single(m => m["name"].Text == claim["metadata"]["name"].Text)["mountPath"].String,
                Is.EqualTo("/data/db"));
            Assert.That(spec["serviceName"].String, Is.EqualTo("ratus-mongodb"));
            Assert.That(Get("Service", "ratus-mongodb")["spec"]["clusterIP"].String, Is.EqualTo("None"));
            Assert.That(spec["template"]["spec"]["securityContext"]["runAsNonRoot"].String, Is.EqualTo("true"));
        });
    }

    internal static IEnumerable<string> HttpProbePaths() =>
        RatusContainer.Map.Where(e => e.Key.EndsWith("Probe", StringComparison.Ordinal))
            .Select(e => e.Value["httpGet"]["path"].String);

    private static Node Get(string kind, string name) =>
        Resources.Single(r => r["kind"].Text == kind && r["metadata"]["name"].Text == name);

    private static IReadOnlyDictionary<string, string> PodLabels(Node workload) => workload["spec"]["template"]["metadata"]["labels"].StringMap;

    private static bool Selects(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(s => labels.TryGetValue(s.Key, out var value) && value == s.Value);

    private static Dictionary<string, string> Environment(Node container) =>
        container["env"].Items.ToDictionary(e => e["name"].String, e => e["value"].Text ?? "", StringComparer.Ordinal);

    private static string ImageName(string image) => image.Split(':')[0];
}
