namespace HeartRule.Hosting.ApplicationModel;

/// <summary>
/// The connection string of a resource: the one configured for it (an existing server, like Aspire's
/// AddConnectionString) or else the one it builds from its own endpoint and secrets.
/// </summary>
public sealed class ConnectionStringReference(IResourceWithConnectionString resource) : IValueProvider
{
    public IResourceWithConnectionString Resource { get; } = resource;

    public string ValueExpression => $"{{{Resource.Name}.connectionString}}";

    public string Resolve(IValueResolver resolver) =>
        resolver.GetConfiguredConnectionString(Resource) ?? Resource.ConnectionStringExpression.Resolve(resolver);
}
