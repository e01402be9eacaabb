namespace HeartRule.AppHost.Infrastructure;

/// <summary>PostgreSQL from Debian's binaries, run by DCP as an executable; its connection string is Aspire's own format.</summary>
public sealed class PostgresServerExecutableResource(string name, string command, string dataFolder, ParameterResource password)
    : ExecutableResource(name, command, dataFolder), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";
    public const string UserName = "postgres";

    public string DataFolder { get; } = dataFolder;

    public string ClusterFolder => Path.Combine(DataFolder, "pgdata");

    public ParameterResource Password { get; } = password;

    public EndpointReference PrimaryEndpoint => new(this, EndpointName);

    public List<PostgresExecutableDatabaseResource> Databases { get; } = [];

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={PrimaryEndpoint.Property(EndpointProperty.IPV4Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};Username={UserName};Password={Password}");
}

/// <summary>A database in <see cref="PostgresServerExecutableResource"/>, created when the server first becomes ready.</summary>
public sealed class PostgresExecutableDatabaseResource(string name, string databaseName, PostgresServerExecutableResource parent)
    : Resource(name), IResourceWithParent<PostgresServerExecutableResource>, IResourceWithConnectionString
{
    public PostgresServerExecutableResource Parent { get; } = parent;

    public string DatabaseName { get; } = databaseName;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Parent};Database={DatabaseName}");
}
