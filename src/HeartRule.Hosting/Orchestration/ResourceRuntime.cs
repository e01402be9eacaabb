using HeartRule.Hosting.ApplicationModel;
using HeartRule.Hosting.Orchestration.Drivers;

namespace HeartRule.Hosting.Orchestration;

/// <summary>A resource while the application runs: its replicas and what it waits for.</summary>
internal sealed class ResourceRuntime
{
    private readonly RuntimeContext _context;

    public ResourceRuntime(Resource resource, RuntimeContext context, ProcessJournal? journal)
    {
        _context = context;
        Resource = resource;
        Journal = journal;
        Driver = ResourceDriver.Create(resource, context);
        Instances = [.. Enumerable.Range(0, Math.Max(1, resource.Replicas))
            .Select(i => new ResourceInstance(this, Driver, context, i, resource.Replicas > 1 ? $"{resource.Name}-{i}" : resource.Name))];
    }

    public Resource Resource { get; }

    public string Name => Resource.Name;

    public ResourceDriver Driver { get; }

    public ProcessJournal? Journal { get; }

    public IReadOnlyList<ResourceInstance> Instances { get; }

    public List<ResourceRuntime> Dependencies { get; } = [];

    public ResourceInstance GetInstance(int replica) =>
        replica >= 0 && replica < Instances.Count
            ? Instances[replica]
            : throw new ArgumentOutOfRangeException(nameof(replica), $"'{Name}' has {Instances.Count} replica(s); there is no replica {replica}.");

    public IEnumerable<ResourceInstance> Select(int? replica) => replica is { } index ? [GetInstance(index)] : Instances;

    public void Start()
    {
        foreach (var instance in Instances)
        {
            instance.Start();
        }
    }

    public Task StopAsync() => Task.WhenAll(Instances.Select(i => i.StopAsync()));

    public async Task WaitForDependenciesAsync(ResourceInstance instance, CancellationToken cancellationToken)
    {
        foreach (var dependency in Dependencies)
        {
            if (!dependency.Instances.All(i => i.Snapshot().IsReady))
            {
                instance.Log.Write($"waiting for {dependency.Name}", false, isSystem: true);
            }
            try
            {
                await dependency.WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DistributedApplicationException e)
            {
                throw new DistributedApplicationException($"it waits for '{dependency.Name}', which did not start: {e.Message}", e);
            }
        }
    }

    /// <summary>Every replica ready; throws when one failed to start (restarting ones are waited for).</summary>
    public async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        foreach (var instance in Instances)
        {
            await instance.WaitForAsync(s => s.IsReady || s.State == ResourceState.FailedToStart, cancellationToken).ConfigureAwait(false);
            var snapshot = instance.Snapshot();
            if (snapshot.State == ResourceState.FailedToStart)
            {
                throw new DistributedApplicationException(snapshot.Message ?? "failed to start");
            }
        }
    }

    public ResourceSnapshot Snapshot()
    {
        var replicas = Instances.Select(i => i.Snapshot()).ToList();
        var state = replicas.Select(r => r.State).Distinct().Count() == 1
            ? replicas[0].State
            : replicas.Min(r => r.State);
        var health = replicas.All(r => r.Health == HealthStatus.Healthy) ? HealthStatus.Healthy
            : replicas.Any(r => r.Health == HealthStatus.Unhealthy) ? HealthStatus.Unhealthy
            : HealthStatus.Unknown;
        var endpoints = Resource.Endpoints
            .SelectMany(e => Enumerable.Range(0, Instances.Count).Select(i => (Endpoint: e, Replica: i)))
            .Select(x => new ResourceEndpointSnapshot(x.Endpoint.Name, _context.GetEndpoint(Resource, x.Endpoint.Name, x.Replica).Url, x.Replica, x.Endpoint.IsExternal, x.Endpoint.IsInternal))
            .ToList();
        string? connectionString = null;
        if (Resource is IResourceWithConnectionString withConnectionString)
        {
            try
            {
                connectionString = new ConnectionStringReference(withConnectionString).Resolve(_context);
            }
            catch (DistributedApplicationException)
            {
                // A parameter without a value: shown as such on the resource's state instead.
            }
        }
        return new ResourceSnapshot(
            Name,
            Resource.Kind,
            state,
            health,
            Driver.IsExternal,
            replicas,
            endpoints,
            [.. ResolveUrls()],
            [.. Resource.References.Select(r => r.Name)],
            [.. ResourceGraph.GetDependencies(Resource).Select(r => r.Name)],
            connectionString);
    }

    /// <summary>The resource's links, relative ones against each replica's first http endpoint.</summary>
    public IEnumerable<ResourceUrlSnapshot> ResolveUrls()
    {
        var http = Resource.Endpoints.FirstOrDefault(e => e.IsHttp);
        foreach (var url in Resource.Urls)
        {
            // Not Uri.TryCreate(Absolute) alone: on Unix "/" parses as an absolute file path.
            if ((Uri.TryCreate(url.Url, UriKind.Absolute, out var absoluteUrl) && absoluteUrl.Scheme is "http" or "https") || http is null)
            {
                yield return new ResourceUrlSnapshot(url.Url, url.DisplayText ?? url.Url);
                continue;
            }
            for (var i = 0; i < Instances.Count; i++)
            {
                var absolute = new Uri(new Uri(_context.GetEndpoint(Resource, http.Name, i).Url), url.Url).ToString();
                var text = url.DisplayText ?? absolute;
                yield return new ResourceUrlSnapshot(absolute, Instances.Count > 1 ? $"{text} ({Instances[i].DisplayName})" : text);
            }
        }
    }
}
