using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using HeartRule.AppHost.Infrastructure;

namespace HeartRule.Deploy.Tests;

/// <summary>
/// The AppHost's container mode (<c>--Services containers</c>, <c>./eng/deploy.sh container-mode</c>) is the same
/// picture as a run of its projects: every service from its image, a container per replica, each replica with the
/// references, waits and health check of the service's project, the gateway's replicas behind one ingress.
/// </summary>
public sealed class ContainerModeTests
{
    private const string Registry = "registry.test:5000";
    private const string Tag = "0123456789ab";
    private static readonly string[] Services = ["persistence", "scriptengine", "sessions", "gateway"];
    private static readonly string[] ContainerMode = ["--Services", "containers", "--Images:Registry", Registry, "--Images:Tag", Tag];

    [Fact]
    public async Task Every_service_runs_from_its_image_with_the_references_waits_and_health_check_of_its_project()
    {
        // The projects beside the same servers (containers), so that the two pictures can be compared.
        await using var projects = await DistributedApplicationTestingBuilder.CreateAsync<Projects.HeartRule_AppHost>(["--Infrastructure", "containers"]);
        await using var containers = await DistributedApplicationTestingBuilder.CreateAsync<Projects.HeartRule_AppHost>(ContainerMode);

        Assert.Empty(containers.Resources.OfType<ProjectResource>());
        // What is compared below, as the gateway has it.
        Assert.Equal(
            ["ConnectionStrings__messaging=messaging", "ConnectionStrings__redis=redis",
             "services__persistence__http__0=persistence", "services__sessions__http__0=sessions"],
            await ReferencesAsync(ReplicasOf(containers, "gateway")[0]));
        Assert.Equal(["messaging WaitUntilHealthy", "redis WaitUntilHealthy", "sessions WaitUntilHealthy"], Waits(ReplicasOf(containers, "gateway")[0]));
        foreach (var service in Services)
        {
            var project = projects.Resources.OfType<ProjectResource>().Single(r => r.Name == service);
            var replicas = ReplicasOf(containers, service);
            Assert.Equal(project.GetReplicaCount(), replicas.Count);
            foreach (var replica in replicas)
            {
                var image = replica.Annotations.OfType<ContainerImageAnnotation>().Single();
                Assert.Equal((Registry, $"heartrule/{service}", Tag), (image.Registry, image.Image, image.Tag));
                Assert.Equal(await ReferencesAsync(project), await ReferencesAsync(replica));
                Assert.Equal(Waits(project), Waits(replica));
                Assert.Equal(HealthChecks(project), HealthChecks(replica));
                Assert.Contains(replica.Annotations, a => a is RestartOnCrashAnnotation);
            }
        }
    }

    [Fact]
    public async Task The_gateways_replicas_are_behind_one_ingress_on_the_gateway_port_which_waits_for_them()
    {
        await using var containers = await DistributedApplicationTestingBuilder.CreateAsync<Projects.HeartRule_AppHost>(
            [.. ContainerMode, "--GatewayPort", "15123", "--Replicas:gateway", "3"]);

        Assert.Equal(["gateway", "gateway-2", "gateway-3"], ReplicasOf(containers, "gateway").Select(r => r.Name));
        var ingress = containers.Resources.OfType<ContainerResource>().Single(r => r.Name == "gateway-ingress");
        var image = ingress.Annotations.OfType<ContainerImageAnnotation>().Single();
        Assert.Equal((Registry, "heartrule/haproxy", Tag), (image.Registry, image.Image, image.Tag));
        var endpoint = ingress.Annotations.OfType<EndpointAnnotation>().Single();
        Assert.Equal((15123, 8080, true), (endpoint.Port, endpoint.TargetPort, endpoint.IsExternal));
        Assert.Equal(["gateway", "gateway-2", "gateway-3"], ingress.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name).Order());
        // Nothing else is reached from outside: the replicas' own endpoints are not external.
        Assert.DoesNotContain(ReplicasOf(containers, "gateway").SelectMany(r => r.Annotations.OfType<EndpointAnnotation>()), e => e.IsExternal);
    }

    [Fact]
    public async Task Every_replica_of_a_replicated_service_is_discovered_under_the_services_name()
    {
        await using var containers = await DistributedApplicationTestingBuilder.CreateAsync<Projects.HeartRule_AppHost>(
            [.. ContainerMode, "--Replicas:sessions", "2"]);

        var environment = await EnvironmentAsync(ReplicasOf(containers, "gateway")[1]);
        var sessions = Enumerable.Range(0, 2).Select(i => ((EndpointReference)environment[$"services__sessions__http__{i}"]).Resource.Name);
        Assert.Equal(["sessions", "sessions-2"], sessions.Order());
        Assert.DoesNotContain("services__sessions__http__2", environment.Keys);
    }

    private static List<ServiceContainerResource> ReplicasOf(IDistributedApplicationTestingBuilder builder, string service) =>
        [.. builder.Resources.OfType<ServiceContainerResource>().Where(r => ServiceOf(r.Name) == service)];

    /// <summary>The service a replica belongs to (<c>gateway-2</c> is the gateway's).</summary>
    private static string ServiceOf(string resource) =>
        Services.FirstOrDefault(s => resource == s || resource.StartsWith($"{s}-", StringComparison.Ordinal) && int.TryParse(resource[(s.Length + 1)..], out _))
        ?? resource;

    /// <summary>The connection strings and service discovery a resource is given, by name and what each names.</summary>
    private static async Task<List<string>> ReferencesAsync(IResource resource) =>
        [.. (await EnvironmentAsync(resource))
            .Where(e => e.Key.StartsWith("ConnectionStrings__", StringComparison.Ordinal) || e.Key.StartsWith("services__", StringComparison.Ordinal))
            .Select(e => $"{e.Key}={e.Value switch
            {
                EndpointReference endpoint => ServiceOf(endpoint.Resource.Name),
                IResource named => named.Name,
                ConnectionStringReference reference => reference.Resource.Name,
                var other => other.ToString(),
            }}")
            .Order(StringComparer.Ordinal)];

    private static async Task<Dictionary<string, object>> EnvironmentAsync(IResource resource)
    {
        var environment = new Dictionary<string, object>();
        var context = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run), resource, environment);
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>()) await callback.Callback(context);
        return environment;
    }

    private static List<string> Waits(IResource resource) =>
        [.. resource.Annotations.OfType<WaitAnnotation>().Select(w => $"{ServiceOf(w.Resource.Name)} {w.WaitType}").Distinct().Order(StringComparer.Ordinal)];

    private static List<string> HealthChecks(IResource resource) =>
        [.. resource.Annotations.OfType<HealthCheckAnnotation>().Select(h => h.Key.Replace(resource.Name, "", StringComparison.Ordinal))];
}
