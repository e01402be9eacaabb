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

public sealed class EndpointPropertyReference(EndpointReference endpoint, EndpointProperty property) : IValueProvider
{
    public EndpointReference Endpoint { get; } = endpoint;

    public EndpointProperty Property { get; } = property;

    public string ValueExpression
    {
        get
        {
            var replica = Endpoint.Replica == 0 ? "" : $"[{Endpoint.Replica}]";
            var property = Property switch
            {
                EndpointProperty.HostAndPort => "hostAndPort",
                _ => Property.ToString().ToLowerInvariant(),
            };
            return $"{{{Endpoint.Resource.Name}{replica}.bindings.{Endpoint.EndpointName}.{property}}}";
        }
    }

    public string Resolve(IValueResolver resolver)
    {
        var allocated = resolver.GetEndpoint(Endpoint.Resource, Endpoint.EndpointName, Endpoint.Replica);
        return Property switch
        {
            EndpointProperty.Url => allocated.Url,
            EndpointProperty.Host => allocated.Host,
            EndpointProperty.Port => allocated.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            EndpointProperty.HostAndPort => allocated.HostAndPort,
            _ => throw new InvalidOperationException($"Unknown endpoint property {Property}."),
        };
    }
}
