namespace HeartRule.Hosting.ApplicationModel;

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
