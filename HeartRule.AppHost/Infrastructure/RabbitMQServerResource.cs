namespace HeartRule.AppHost.Infrastructure;

/// <summary>RabbitMQ from Debian's package, run by DCP as an executable; its connection string is Aspire's own format.</summary>
public sealed class RabbitMQServerExecutableResource(string name, string dataFolder, ParameterResource password)
    : ExecutableResource(name, DebianServers.RabbitMQServer, dataFolder), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";
    public const string UserName = "heartrule";

    public string DataFolder { get; } = dataFolder;

    public ParameterResource Password { get; } = password;

    public EndpointReference PrimaryEndpoint => new(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"amqp://{UserName}:{Password}@{PrimaryEndpoint.Property(EndpointProperty.IPV4Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)}");
}
