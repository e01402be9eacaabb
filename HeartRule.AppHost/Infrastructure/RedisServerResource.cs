namespace HeartRule.AppHost.Infrastructure;

/// <summary>redis-server from Debian's package, run by DCP as an executable; its connection string is Aspire's own format.</summary>
public sealed class RedisServerExecutableResource(string name, string dataFolder, ParameterResource password)
    : ExecutableResource(name, DebianServers.RedisServer, dataFolder), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    public string DataFolder { get; } = dataFolder;

    public ParameterResource Password { get; } = password;

    public EndpointReference PrimaryEndpoint => new(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"{PrimaryEndpoint.Property(EndpointProperty.IPV4Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)},password={Password}");
}
