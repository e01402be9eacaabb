namespace HeartRule.Hosting.ApplicationModel;

/// <summary>A PostgreSQL server started from the OS binaries, in a data folder of its own.</summary>
public sealed class PostgresServerResource : Resource, IResourceWithConnectionString
{
    public const string PrimaryEndpointName = "tcp";
    public const int DefaultPort = 15432;

    public PostgresServerResource(string name, ParameterResource password) : base(name)
    {
        PasswordParameter = password;
        Endpoints.Add(new EndpointAnnotation(PrimaryEndpointName, "tcp", DefaultPort));
    }

    public override string Kind => "postgres";

    public string UserName => "postgres";

    public ParameterResource PasswordParameter { get; }

    public List<PostgresDatabaseResource> Databases { get; } = [];

    public EndpointReference PrimaryEndpoint => new(this, PrimaryEndpointName);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={PrimaryEndpoint.Property(EndpointProperty.Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};Username={UserName};Password={PasswordParameter}");
}
