namespace HeartRule.Hosting.ApplicationModel;

/// <summary>A Redis server (append-only file on) in a data folder of its own.</summary>
public sealed class RedisResource : Resource, IResourceWithConnectionString
{
    public const string PrimaryEndpointName = "tcp";
    public const int DefaultPort = 16379;

    public RedisResource(string name) : base(name)
    {
        Endpoints.Add(new EndpointAnnotation(PrimaryEndpointName, "tcp", DefaultPort));
    }

    public override string Kind => "redis";

    public EndpointReference PrimaryEndpoint => new(this, PrimaryEndpointName);

    /// <summary>StackExchange.Redis format: host:port.</summary>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}");
}
