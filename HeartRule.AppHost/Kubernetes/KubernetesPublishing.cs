using Aspire.Hosting.Pipelines;
using HeartRule.AppHost.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HeartRule.AppHost.Kubernetes;

public static class KubernetesPublishing
{
    public const string StepName = "kubernetes-manifests";

    /// <summary>
    /// A publishing step that writes Kubernetes manifests from this model (<c>./eng/deploy.sh render DIR</c>, which
    /// runs the AppHost with <c>--operation publish --step kubernetes-manifests --output-path DIR</c>; docs/deploy.md).
    /// </summary>
    public static IDistributedApplicationBuilder AddKubernetesManifests(this IDistributedApplicationBuilder builder)
    {
        builder.Pipeline.AddStep(StepName, async context =>
        {
            var configuration = context.Services.GetRequiredService<IConfiguration>();
            var output = context.Services.GetRequiredService<IPipelineOutputService>().GetOutputDirectory();
            var parameters = new ClusterParameters(configuration, ManifestFiles.ReadKeptParameters(output));
            var workloads = await ClusterModel.ReadAsync(context.Model, context.ExecutionContext,
                ContainerImages.From(configuration), new ClusterValues(parameters), context.CancellationToken);
            var ingress = IngressSettings.From(configuration);
            Write(output, workloads, parameters, ingress);
            context.Logger.LogInformation("Kubernetes manifests for {Count} workloads written to {Output}", workloads.Count, output);
        });
        return builder;
    }

    private static void Write(string output, IReadOnlyList<Workload> workloads, ClusterParameters parameters, IngressSettings ingress)
    {
        foreach (var folder in new[] { ManifestFiles.AppFolder, ManifestFiles.DevInfrastructureFolder })
        {
            if (Directory.Exists(Path.Combine(output, folder)))
                foreach (var file in Directory.GetFiles(Path.Combine(output, folder), "*.yaml")) File.Delete(file);
        }

        foreach (var service in workloads.Where(w => w.IsService))
            ManifestFiles.Write(output, ManifestFiles.AppFolder, $"{service.Name}.yaml", ServiceManifests.Build(service));
        ManifestFiles.Write(output, ManifestFiles.AppFolder, "network-policies.yaml", NetworkPolicies.Build(workloads, ingress.ControllerNamespace));
        ManifestFiles.Write(output, ManifestFiles.AppFolder, "ingress.yaml",
            workloads.Where(w => w.IsExternal).Select(w => IngressManifest.Build(w, ingress)));

        // Secrets last: resolving the environments above is what decided which parameters are used.
        var appSecrets = workloads.Where(w => w.IsService)
            .Select(w => WorkloadConfiguration.Secret(w.Name, ServiceManifests.Component, ServiceManifests.Environment(w)))
            .OfType<object>()
            .Append(WorkloadConfiguration.Opaque(ManifestFiles.ParametersSecret, "parameters", parameters.Used));
        const string never = "Generated secrets: never commit this file. A render into the same folder keeps them.";
        ManifestFiles.Write(output, ManifestFiles.AppFolder, ManifestFiles.SecretsFile, appSecrets, never);

        foreach (var server in workloads.Where(w => !w.IsService))
            ManifestFiles.Write(output, ManifestFiles.DevInfrastructureFolder, $"{server.Name}.yaml", InfrastructureManifests.Build(server), never);
    }
}
