namespace HeartRule.Hosting.ApplicationModel;

/// <summary>
/// The plain data every resource carries. Deliberately mutable lists rather than callbacks, so that a tool
/// (a Kubernetes manifest generator, the dashboard, a test) can walk the whole model without running it.
/// </summary>
public abstract class Resource : IResource
{
    protected Resource(string name)
    {
        ResourceNames.Validate(name);
        Name = name;
    }

    public string Name { get; }

    /// <summary>Short kind name, e.g. "postgres", "project"; shown on the dashboard and useful to generators.</summary>
    public abstract string Kind { get; }

    /// <summary>The ports this resource listens on.</summary>
    public List<EndpointAnnotation> Endpoints { get; } = [];

    /// <summary>Resources whose connection string or URLs this one receives.</summary>
    public List<IResource> References { get; } = [];

    /// <summary>Resources that must be ready before this one starts.</summary>
    public List<IResource> WaitFor { get; } = [];

    /// <summary>Links printed and shown on the dashboard once the resource is ready.</summary>
    public List<ResourceUrlAnnotation> Urls { get; } = [];

    /// <summary>How many processes run this resource, each on its own port.</summary>
    public int Replicas { get; set; } = 1;

    /// <summary>Whether the runtime restarts the resource's process when it exits on its own.</summary>
    public bool RestartOnExit { get; set; } = true;

    public EndpointAnnotation? GetEndpoint(string endpointName) =>
        Endpoints.FirstOrDefault(e => string.Equals(e.Name, endpointName, StringComparison.OrdinalIgnoreCase));

    public override string ToString() => $"{Kind} '{Name}'";
}
