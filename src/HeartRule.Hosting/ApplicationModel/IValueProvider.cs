namespace HeartRule.Hosting.ApplicationModel;

/// <summary>
/// A value known only when the application runs (a port, a password, a connection string).
/// <see cref="ValueExpression"/> names it symbolically, for manifests; <see cref="Resolve"/> gives the real value.
/// </summary>
public interface IValueProvider
{
    /// <summary>Placeholder such as <c>{postgres.bindings.tcp.port}</c>.</summary>
    string ValueExpression { get; }

    string Resolve(IValueResolver resolver);
}

/// <summary>What the runtime (or a test) knows once ports are allocated and secrets generated.</summary>
public interface IValueResolver
{
    AllocatedEndpoint GetEndpoint(IResource resource, string endpointName, int replica);

    string GetParameterValue(ParameterResource parameter);

    /// <summary>A connection string configured for the resource (it then runs elsewhere), or null.</summary>
    string? GetConfiguredConnectionString(IResourceWithConnectionString resource);
}

/// <summary>Where an endpoint ended up.</summary>
public sealed record AllocatedEndpoint(string UriScheme, string Host, int Port)
{
    public string HostAndPort => $"{Host}:{Port}";

    public string Url => $"{UriScheme}://{Host}:{Port}";
}
