using System.Globalization;
using System.Text.Json;

namespace Ratus.Api.Tests.Deployment;

/// docker-compose.yml (Ratus on MongoDB, Prometheus and Grafana under the `metrics` profile) and
/// deployments/docker-compose.memdb.yml (Ratus alone on memdb), checked the way `docker compose config` would not:
/// against the server's own settings and the Dockerfile.
public sealed class ComposeTests
{
    private static Node Compose => DeploymentFiles.LoadSingle(DeploymentFiles.ComposeFile);

    private static Node MemDbCompose => DeploymentFiles.LoadSingle(DeploymentFiles.MemDbComposeFile);

    private static IEnumerable<string> ComposeFiles => [DeploymentFiles.ComposeFile, DeploymentFiles.MemDbComposeFile];

    [Test]
    public void EveryYamlFile_Parses()
    {
        var files = DeploymentFiles.AllYamlFiles();
        Assert.That(files, Has.Count.GreaterThanOrEqualTo(8));
        Assert.Multiple(() =>
        {
            foreach (var file in files)
            {
                Assert.That(() => DeploymentFiles.LoadYaml(file), Throws.Nothing, file);
                Assert.That(DeploymentFiles.LoadYaml(file).Where(d => d is not null), Is.Not.Empty, $"{file} is empty");
            }
        });
    }

    [Test]
    public void Services_AndProfiles()
    {
        var services = Compose["services"].Map;
        Assert.Multiple(() =>
        {
            Assert.That(services.Keys, Is.EquivalentTo(new[] { "mongo", "ratus", "prometheus", "grafana" }));
            Assert.That(services["mongo"]["profiles"].Exists, Is.False, "mongo starts with a plain `docker compose up`");
            Assert.That(services["ratus"]["profiles"].Exists, Is.False, "ratus starts with a plain `docker compose up`");
            Assert.That(services["prometheus"]["profiles"].Strings, Is.EqualTo(new[] { "metrics" }));
            Assert.That(services["grafana"]["profiles"].Strings, Is.EqualTo(new[] { "metrics" }));
            Assert.That(MemDbCompose["services"].Map.Keys, Is.EquivalentTo(new[] { "ratus", "prometheus", "grafana" }));
            Assert.That(MemDbCompose["services"]["prometheus"]["profiles"].Strings, Is.EqualTo(new[] { "metrics" }));
            Assert.That(MemDbCompose["services"]["grafana"]["profiles"].Strings, Is.EqualTo(new[] { "metrics" }));
        });
    }

    [Test]
    public void Mongo_CurrentImage_HealthCheckedWithMongoshPing_OnANamedVolume_PortPublished()
    {
        var mongo = Compose["services"]["mongo"];
        var healthcheck = mongo["healthcheck"]["test"].Strings;
        Assert.Multiple(() =>
        {
            Assert.That(mongo["image"].String, Is.EqualTo("mongo:8.0"));
            Assert.That(healthcheck[0], Is.EqualTo("CMD"));
            Assert.That(healthcheck[1], Is.EqualTo("mongosh"));
            Assert.That(string.Join(' ', healthcheck), Does.Contain("ping"));
            Assert.That(mongo["volumes"].Strings, Does.Contain("mongo-data:/data/db"));
            Assert.That(Compose["volumes"].Map.Keys, Does.Contain("mongo-data"));
            Assert.That(mongo["ports"].Strings.Select(ContainerPort), Does.Contain(27017));
            Assert.That(mongo["restart"].String, Is.EqualTo("unless-stopped"));
        });
    }

    [Test]
    public void Ratus_OnMongoDb_BuiltFromTheDockerfile_WaitsForAHealthyMongo()
    {
        var ratus = Compose["services"]["ratus"];
        var environment = ratus["environment"].StringMap;
        var build = ratus["build"];
        Assert.Multiple(() =>
        {
            Assert.That(ratus["image"].String, Is.EqualTo("ratus:local"));
            Assert.That(File.Exists(Path.Combine(DeploymentFiles.RepositoryRoot, build["context"].String, build["dockerfile"].String)), Is.True);
            Assert.That(Path.GetFullPath(Path.Combine(DeploymentFiles.RepositoryRoot, build["context"].String)).TrimEnd('/'),
                Is.EqualTo(DeploymentFiles.RepositoryRoot.TrimEnd('/')));
            Assert.That(environment["ENGINE"], Is.EqualTo("mongodb"));
            Assert.That(environment["MONGODB_URI"], Is.EqualTo("mongodb://mongo:27017"));
            Assert.That(ratus["depends_on"]["mongo"]["condition"].String, Is.EqualTo("service_healthy"));
            Assert.That(ratus["restart"].String, Is.EqualTo("unless-stopped"));
            Assert.That(ratus["ports"].Strings, Is.EqualTo(new[] { $"8000:{DockerfileTests.ImagePort}" }));
        });
    }

    [Test]
    public void MemDb_KeepsItsSnapshotOnANamedVolume()
    {
        var ratus = MemDbCompose["services"]["ratus"];
        var environment = ratus["environment"].StringMap;
        var build = ratus["build"];
        var composeDirectory = Path.GetDirectoryName(DeploymentFiles.MemDbComposeFile)!;
        var volume = ratus["volumes"].Strings.Single().Split(':');
        Assert.Multiple(() =>
        {
            Assert.That(ratus["image"].String, Is.EqualTo("ratus:local"));
            Assert.That(Path.GetFullPath(Path.Combine(composeDirectory, build["context"].String)).TrimEnd('/'),
                Is.EqualTo(DeploymentFiles.RepositoryRoot.TrimEnd('/')), "paths are relative to the compose file");
            Assert.That(File.Exists(Path.Combine(composeDirectory, build["context"].String, build["dockerfile"].String)), Is.True);
            Assert.That(environment["ENGINE"], Is.EqualTo("memdb"));
            Assert.That(MemDbCompose["volumes"].Map.Keys, Does.Contain(volume[0]), "a named volume");
            Assert.That(environment["MEMDB_SNAPSHOT_PATH"], Does.StartWith(volume[1] + "/"));
            Assert.That(ratus["ports"].Strings, Is.EqualTo(new[] { $"8000:{DockerfileTests.ImagePort}" }));
            Assert.That(ratus["restart"].String, Is.EqualTo("unless-stopped"));
        });
    }

    [Test]
    public void RatusServices_UseOnlyVariablesTheServerReads_AndHealthCheckLivez()
    {
        Assert.Multiple(() =>
        {
            foreach (var file in ComposeFiles)
            {
                var ratus = DeploymentFiles.LoadSingle(file)["services"]["ratus"];
                Assert.That(ratus["environment"].StringMap.Keys, Is.SubsetOf(DeploymentFiles.ServerEnvironmentVariables), file);
                var test = ratus["healthcheck"]["test"].Strings;
                Assert.That(test[0], Is.EqualTo("CMD"), file);
                // $$ is compose's escape for a literal $; after it the command is the image's HEALTHCHECK.
                Assert.That(test.Skip(1).Select(a => a.Replace("$$", "$", StringComparison.Ordinal)),
                    Is.EqualTo(DockerfileTests.HealthCheckCommand), file);
            }
        });
    }

    [Test]
    public void NamedVolumesAreDeclared_AndBindMountSourcesExist()
    {
        Assert.Multiple(() =>
        {
            foreach (var file in ComposeFiles)
            {
                var compose = DeploymentFiles.LoadSingle(file);
                var declared = compose["volumes"].Map.Keys.ToHashSet(StringComparer.Ordinal);
                foreach (var (name, service) in compose["services"].Map)
                {
                    if (!service["volumes"].Exists)
                    {
                        continue;
                    }

                    foreach (var mount in service["volumes"].Strings)
                    {
                        var source = mount.Split(':')[0];
                        if (source.StartsWith('.') || source.StartsWith('/'))
                        {
                            var path = Path.Combine(Path.GetDirectoryName(file)!, source);
                            Assert.That(File.Exists(path) || Directory.Exists(path), Is.True, $"{file}: {name} mounts missing {source}");
                        }
                        else
                        {
                            Assert.That(declared, Does.Contain(source), $"{file}: {name} uses an undeclared volume");
                        }
                    }
                }
            }
        });
    }

    [Test]
    public void Prometheus_ScrapesRatusEveryFiveSeconds_OnTheContainerPort()
    {
        var config = DeploymentFiles.LoadSingle(Path.Combine(DeploymentFiles.DeploymentsDirectory, "prometheus", "prometheus.yml"));
        var job = config["scrape_configs"].Items.Single(j => j["job_name"].Text == "ratus");
        Assert.Multiple(() =>
        {
            Assert.That(job["scrape_interval"].String, Is.EqualTo("5s"));
            Assert.That(job["metrics_path"].String, Is.EqualTo(ProbeRouteTests.MetricsPath));
            Assert.That(job["static_configs"][0]["targets"].Strings, Is.EqualTo(new[] { $"ratus:{DockerfileTests.ImagePort}" }));
            foreach (var file in ComposeFiles)
            {
                var prometheus = DeploymentFiles.LoadSingle(file)["services"]["prometheus"];
                Assert.That(prometheus["volumes"].Strings, Has.Some.EndsWith("prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro"), file);
                Assert.That(prometheus["command"].Strings, Does.Contain("--config.file=/etc/prometheus/prometheus.yml"), file);
            }
        });
    }

    [Test]
    public void Grafana_ProvisionsThePrometheusDatasourceAndTheRatusDashboard()
    {
        var grafana = Path.Combine(DeploymentFiles.DeploymentsDirectory, "grafana");
        var datasource = DeploymentFiles.LoadSingle(Path.Combine(grafana, "provisioning", "datasources", "prometheus.yml"))["datasources"][0];
        var provider = DeploymentFiles.LoadSingle(Path.Combine(grafana, "provisioning", "dashboards", "ratus.yml"))["providers"][0];
        var composeGrafana = Compose["services"]["grafana"]["volumes"].Strings;
        var dashboardMount = composeGrafana.Single(v => v.Contains("/dashboards:", StringComparison.Ordinal) && !v.Contains("provisioning", StringComparison.Ordinal));

        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(grafana, "dashboards", "ratus.json")));
        var root = dashboard.RootElement;
        var panels = root.GetProperty("panels").EnumerateArray().Where(p => p.GetProperty("type").GetString() != "row").ToList();
        var expressions = panels.SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!).ToList();
        string[] ratusSeries =
        [
            "ratus_request_duration_seconds", "ratus_chore_duration_seconds", "ratus_task_schedule_delay_seconds",
            "ratus_task_execution_duration_seconds", "ratus_task_produced_count_total", "ratus_task_consumed_count_total",
            "ratus_task_committed_count_total", "ratus_tasks", "ratus_oldest_due_task_age_seconds",
            "ratus_promises_recovered_total", "ratus_commits_rejected_total",
        ];
        var titles = panels.Select(p => p.GetProperty("title").GetString()!).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(datasource["type"].String, Is.EqualTo("prometheus"));
            Assert.That(datasource["url"].String, Is.EqualTo("http://prometheus:9090"));
            Assert.That(dashboardMount.Split(':')[1], Is.EqualTo(provider["options"]["path"].String));
            Assert.That(root.GetProperty("title").GetString(), Is.EqualTo("Ratus"));
            Assert.That(root.GetProperty("description").GetString(), Does.Contain("empty"));
            Assert.That(panels.Select(p => p.GetProperty("datasource").GetProperty("uid").GetString()).Distinct(),
                Is.EqualTo(new[] { datasource["uid"].String }));
            Assert.That(expressions.Count(e => e.Contains("http_server_request_duration_seconds_count", StringComparison.Ordinal) && e.Contains("by (http_route", StringComparison.Ordinal)),
                Is.GreaterThanOrEqualTo(1), "request rate by endpoint");
            Assert.That(expressions.Count(e => e.Contains("histogram_quantile", StringComparison.Ordinal) && e.Contains("http_server_request_duration_seconds_bucket", StringComparison.Ordinal) && e.Contains("http_route", StringComparison.Ordinal)),
                Is.GreaterThanOrEqualTo(1), "latency by endpoint");
            foreach (var series in ratusSeries)
            {
                Assert.That(expressions, Has.Some.Contains(series), series);
            }

            // What issue 5 asks the dashboard to show.
            foreach (var title in new[] { "Throughput", "Due backlog", "Oldest due", "Claim latency", "recovered", "Request latency by endpoint" })
            {
                Assert.That(titles, Has.Some.Contains(title), title);
            }

            Assert.That(expressions, Has.Some.Contains("ratus_tasks{job=\"ratus\", state=\"due\"}"), "due backlog");
            Assert.That(expressions.Count(e => e.Contains("histogram_quantile", StringComparison.Ordinal) && e.Contains("ratus_request_duration_seconds_bucket", StringComparison.Ordinal) && e.Contains("by (le, endpoint)", StringComparison.Ordinal)),
                Is.GreaterThanOrEqualTo(1), "request latency by endpoint from the original's histogram");
            Assert.That(root.GetProperty("panels").EnumerateArray().Select(p => p.GetProperty("id").GetInt32()), Is.Unique, "panel ids");
        });
    }

    private static int ContainerPort(string mapping) => int.Parse(mapping.Split(':')[^1], CultureInfo.InvariantCulture);
}
