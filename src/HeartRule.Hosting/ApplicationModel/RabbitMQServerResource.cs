namespace HeartRule.Hosting.ApplicationModel;

/// <summary>
/// A RabbitMQ broker. Besides AMQP it needs two ports of Erlang's own: epmd (the node name server, which we
/// run ourselves so it never outlives us) and the node's distribution port.
/// </summary>
public sealed class RabbitMQServerResource : Resource, IResourceWithConnectionString
{
    public const string PrimaryEndpointName = "tcp";
    public const string EpmdEndpointName = "epmd";
    public const string DistributionEndpointName = "dist";
    public const int DefaultPort = 15673;
    public const int DefaultEpmdPort = 14369;
    public const int DefaultDistributionPort = 35673;

    public RabbitMQServerResource(string name, string userName, ParameterResource password) : base(name)
    {
        UserName = userName;
        PasswordParameter = password;
        Endpoints.Add(new EndpointAnnotation(PrimaryEndpointName, "amqp", DefaultPort));
        Endpoints.Add(new EndpointAnnotation(EpmdEndpointName, "tcp", DefaultEpmdPort) { IsInternal = true });
        Endpoints.Add(new EndpointAnnotation(DistributionEndpointName, "tcp", DefaultDistributionPort) { IsInternal = true });
    }

    public override string Kind => "rabbitmq";

    public string UserName { get; }

    public ParameterResource PasswordParameter { get; }

    public EndpointReference PrimaryEndpoint => new(this, PrimaryEndpointName);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"amqp://{UserName}:{PasswordParameter}@{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}/");
}
