using HeartRule.AppHost.Infrastructure;

namespace HeartRule.AppHost.Kubernetes;

/// <summary>One resource of the model that runs in the cluster: a service (a project) or a server (a container).</summary>
public sealed record Workload(
    string Name,
    bool IsService,
    string Image,
    string? Command,
    IReadOnlyList<string> Args,
    IReadOnlyDictionary<string, ClusterValue> Environment,
    IReadOnlyDictionary<string, int> Ports,
    IReadOnlyList<string> References,
    int Replicas,
    AutoscalingAnnotation? Autoscaling,
    IReadOnlyList<string> Volumes,
    bool IsExternal);

/// <summary>The model's workloads as a cluster runs them, read from the AppHost's resources and annotations.</summary>
public static class ClusterModel
{
    public static async Task<IReadOnlyList<Workload>> ReadAsync(
        DistributedApplicationModel model, DistributedApplicationExecutionContext executionContext, ContainerImages images,
        ClusterValues values, CancellationToken cancellationToken)
    {
        var workloads = new List<Workload>();
        foreach (var resource in model.Resources.Where(IsWorkload))
        {
            var environment = new Dictionary<string, object>();
            var environmentContext = new EnvironmentCallbackContext(executionContext, resource, environment, cancellationToken);
            foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
                await callback.Callback(environmentContext);

            var args = new List<object>();
            var argsContext = new CommandLineArgsCallbackContext(args, resource, cancellationToken) { ExecutionContext = executionContext };
            foreach (var callback in resource.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
                await callback.Callback(argsContext);

            var resolved = new SortedDictionary<string, ClusterValue>(StringComparer.Ordinal);
            foreach (var (name, value) in environment) resolved[name] = await values.ResolveAsync(value, cancellationToken);
            var resolvedArgs = new List<string>();
            foreach (var arg in args) resolvedArgs.Add((await values.ResolveAsync(arg, cancellationToken)).Value);

            var endpoints = resource.Annotations.OfType<EndpointAnnotation>().ToList();
            workloads.Add(new Workload(
                Name: resource.Name,
                IsService: resource is ProjectResource,
                Image: resource is ProjectResource ? images.Reference(resource.Name) : ImageOf(resource),
                Command: (resource as ContainerResource)?.Entrypoint,
                Args: resolvedArgs,
                Environment: resolved,
                Ports: endpoints.ToDictionary(e => e.Name, e => ClusterValues.Port(e, resource)),
                References: References(resource),
                Replicas: resource.Annotations.OfType<ReplicaAnnotation>().LastOrDefault()?.Replicas ?? 1,
                Autoscaling: resource.Annotations.OfType<AutoscalingAnnotation>().LastOrDefault(),
                Volumes: resource.Annotations.OfType<ContainerMountAnnotation>()
                    .Where(m => m.Type == ContainerMountType.Volume).Select(m => m.Target).ToList(),
                IsExternal: endpoints.Any(e => e.IsExternal)));
        }
        return workloads;
    }

    private static bool IsWorkload(IResource resource) => resource is ProjectResource or ContainerResource;

    private static string ImageOf(IResource resource)
    {
        var image = resource.Annotations.OfType<ContainerImageAnnotation>().Last();
        var repository = image.Registry is null ? image.Image : $"{image.Registry}/{image.Image}";
        return image.SHA256 is { } digest ? $"{repository}@sha256:{digest}" : $"{repository}:{image.Tag ?? "latest"}";
    }

    /// <summary>
    /// The workloads a resource reaches: what it references (WithReference), a database standing for its server.
    /// </summary>
    private static IReadOnlyList<string> References(IResource resource) =>
        resource.Annotations.OfType<ResourceRelationshipAnnotation>()
            .Where(r => r.Type == "Reference")
            .Select(r => Root(r.Resource))
            .Where(IsWorkload)
            .Select(r => r.Name)
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

    private static IResource Root(IResource resource) =>
        resource is IResourceWithParent child ? Root(child.Parent) : resource;
}
