namespace HeartRule.Hosting.ApplicationModel;

/// <summary>Which part of an allocated endpoint a value stands for.</summary>
public enum EndpointProperty
{
    Url,
    Host,
    Port,
    HostAndPort,
}

/// <summary>A reference to one endpoint of one replica of a resource.</summary>
public sealed class EndpointReference(Resource resource, string endpointName, int replica = 0) : IValueProvider
{
    public Resource Resource { get; } = resource;

    public string EndpointName { get; } = endpointName;

    public int Replica { get; } = replica;

    public string ValueExpression => Property(EndpointProperty.Url).ValueExpression;

    public string Resolve(IValueResolver resolver) => resolver.GetEndpoint(Resource, EndpointName, Replica).Url;

    public EndpointPropertyReference Property(EndpointProperty property) => new(this, property);
}
