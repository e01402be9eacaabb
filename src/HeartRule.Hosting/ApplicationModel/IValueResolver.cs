namespace HeartRule.Hosting.ApplicationModel;

/// <summary>What the runtime (or a test) knows once ports are allocated and secrets generated.</summary>
public interface IValueResolver
{
    AllocatedEndpoint GetEndpoint(IResource resource, string endpointName, int replica);

    string GetParameterValue(ParameterResource parameter);

    /// <summary>A connection string configured for the resource (it then runs elsewhere), or null.</summary>
    string? GetConfiguredConnectionString(IResourceWithConnectionString resource);
}
