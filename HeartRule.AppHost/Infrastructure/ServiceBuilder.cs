using HeartRule.AppHost.Kubernetes;

namespace HeartRule.AppHost.Infrastructure;

/// <summary>
/// One of HeartRule's services in the AppHost's picture (Program.cs), whichever way it runs: as its project (one
/// process per replica behind Aspire's proxy; what a deployment renders), or, with <c>--Services containers</c>, from
/// its image as one container per replica on Aspire's container network, the replicas of a service reached from
/// outside behind an ingress (DCP runs no replicas of a container). Each call means the same either way.
/// </summary>
public sealed class ServiceBuilder
{
    private readonly List<IResourceBuilder<IResource>> _instances = [];
    private readonly List<Action<IResourceBuilder<IResource>>> _steps = [];
    private readonly IResourceBuilder<ProjectResource>? _project;
    private readonly Func<string, IResourceBuilder<ServiceContainerResource>>? _addContainer;
    private readonly Func<string, Func<IEnumerable<string>>, IResourceBuilder<ContainerResource>>? _addIngress;
    private IResourceBuilder<ContainerResource>? _ingress;

    private ServiceBuilder(string name, IResourceBuilder<ProjectResource>? project,
        Func<string, IResourceBuilder<ServiceContainerResource>>? addContainer,
        Func<string, Func<IEnumerable<string>>, IResourceBuilder<ContainerResource>>? addIngress)
    {
        Name = name;
        _project = project;
        _addContainer = addContainer;
        _addIngress = addIngress;
        if (project is not null) _instances.Add(project);
        else AddContainer();
    }

    public string Name { get; }

    /// <summary>The service as its project.</summary>
    public static ServiceBuilder OfProject(IResourceBuilder<ProjectResource> project) => new(project.Resource.Name, project, null, null);

    /// <summary>
    /// The service as containers: <paramref name="addContainer"/> makes one replica (named <c>name</c>, then
    /// <c>name-2</c>, …, as the played pods are), <paramref name="addIngress"/> the address in front of them all (given
    /// the replicas' names, which it reads when it starts).
    /// </summary>
    public static ServiceBuilder OfContainers(string name, Func<string, IResourceBuilder<ServiceContainerResource>> addContainer,
        Func<string, Func<IEnumerable<string>>, IResourceBuilder<ContainerResource>> addIngress) => new(name, null, addContainer, addIngress);

    public ServiceBuilder WithReference(IResourceBuilder<IResourceWithConnectionString> source) =>
        Step<IResourceWithEnvironment>(b => b.WithReference(source));

    /// <summary>Service discovery of every replica of <paramref name="source"/>, under its name.</summary>
    public ServiceBuilder WithReference(ServiceBuilder source) =>
        Step<IResourceWithEnvironment>(b =>
        {
            foreach (var replica in source.Replicas)
            {
                if (replica.Resource.Name == source.Name) b.WithReference(replica);
                else b.WithReference(replica, source.Name);
            }
        });

    public ServiceBuilder WaitFor(IResourceBuilder<IResource> dependency) => Step<IResourceWithWaitSupport>(b => b.WaitFor(dependency));

    /// <summary>Waits until every replica of <paramref name="dependency"/> is healthy.</summary>
    public ServiceBuilder WaitFor(ServiceBuilder dependency) =>
        Step<IResourceWithWaitSupport>(b =>
        {
            foreach (var replica in dependency.Replicas) b.WaitFor(replica);
        });

    public ServiceBuilder WithReplicas(int replicas)
    {
        if (_project is not null) _project.WithReplicas(replicas);
        else while (_instances.Count < replicas) AddContainer();
        return this;
    }

    public ServiceBuilder WithAutoscaling(int maxReplicas) => Step<IResource>(b => b.WithAutoscaling(maxReplicas));

    /// <summary>Reached from outside: as containers, through an ingress in front of every replica, on the service's port.</summary>
    public ServiceBuilder WithExternalHttpEndpoints()
    {
        if (_addIngress is null) return Step<IResourceWithEndpoints>(b => b.WithExternalHttpEndpoints());
        _ingress ??= _addIngress(Name, () => _instances.Select(i => i.Resource.Name)).WithExternalHttpEndpoints();
        foreach (var replica in _instances) _ingress.WaitFor(replica);
        return this;
    }

    /// <summary>Names the endpoint's URL on every replica, and on the ingress that is in front of them.</summary>
    public ServiceBuilder WithUrlForEndpoint(string endpointName, Action<ResourceUrlAnnotation> callback)
    {
        _ingress?.WithUrlForEndpoint(endpointName, callback);
        return Step<IResource>(b => b.WithUrlForEndpoint(endpointName, callback));
    }

    private IEnumerable<IResourceBuilder<IResourceWithServiceDiscovery>> Replicas =>
        _instances.Cast<IResourceBuilder<IResourceWithServiceDiscovery>>();

    /// <summary>Applies a call to every replica, and keeps it for the replicas added later.</summary>
    private ServiceBuilder Step<T>(Action<IResourceBuilder<T>> step) where T : IResource
    {
        // Both kinds of builder are variant in their resource: a project's or a container's builder is the builder of
        // whichever of its interfaces the call needs.
        void Apply(IResourceBuilder<IResource> instance) => step((IResourceBuilder<T>)instance);
        _steps.Add(Apply);
        foreach (var instance in _instances) Apply(instance);
        return this;
    }

    private void AddContainer()
    {
        var container = _addContainer!(_instances.Count == 0 ? Name : $"{Name}-{_instances.Count + 1}");
        _instances.Add(container);
        foreach (var step in _steps) step(container);
        _ingress?.WaitFor(container);
    }
}
