namespace HeartRule.AppHost.Infrastructure;

public static class AppModelExtensions
{
    public static (IResourceBuilder<IResourceWithConnectionString> Database, IResourceBuilder<IResourceWithConnectionString> Redis, IResourceBuilder<IResourceWithConnectionString> Messaging)
        AddLocalInfrastructure(this IDistributedApplicationBuilder builder) =>
        (builder.AddPostgresServer("postgres").WithRestartOnCrash().AddDatabase("heartrule"),
         builder.AddRedisServer("redis").WithRestartOnCrash(),
         builder.AddRabbitMQServer("messaging").WithRestartOnCrash());

    /// <summary>
    /// Aspire's container integrations; with <c>Images:Registry</c> set, on our images of Debian's servers
    /// (<c>eng/images.sh</c>), which keep the official images' environment contract.
    /// </summary>
    public static (IResourceBuilder<IResourceWithConnectionString> Database, IResourceBuilder<IResourceWithConnectionString> Redis, IResourceBuilder<IResourceWithConnectionString> Messaging)
        AddContainerInfrastructure(this IDistributedApplicationBuilder builder)
    {
        var images = ContainerImages.From(builder.Configuration);
        var postgres = builder.AddPostgres("postgres").WithDataVolume()
            // A volume's root may hold lost+found, where initdb refuses to start; and the socket goes where a
            // read-only root filesystem still lets it.
            .WithEnvironment("PGDATA", "/var/lib/postgresql/data/pgdata")
            .WithArgs("-c", "unix_socket_directories=/tmp");
        var redis = builder.AddRedis("redis").WithDataVolume();
        var messaging = builder.AddRabbitMQ("messaging").WithDataVolume();
        if (images.Registry is { } registry)
        {
            postgres.WithImageRegistry(registry).WithImage(ContainerImages.Repository("postgres"), images.Tag);
            redis.WithImageRegistry(registry).WithImage(ContainerImages.Repository("redis"), images.Tag);
            messaging.WithImageRegistry(registry).WithImage(ContainerImages.Repository("rabbitmq"), images.Tag);
        }
        const string database = "heartrule";
        // Locally Aspire creates the database once the server is up; in a cluster nobody does, so the server makes
        // it when it initialises (POSTGRES_DB, the image's contract).
        if (builder.ExecutionContext.IsPublishMode) postgres.WithEnvironment("POSTGRES_DB", database);
        return (postgres.AddDatabase(database), redis, messaging);
    }

    /// <summary>
    /// One of our services: in the AppHost's environment (Development runs get the development sign-in), with an HTTP
    /// endpoint (Aspire's proxy in front, so replicas share one address), ready when its <c>/health</c> says so,
    /// started again if it crashes.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddService<TProject>(this IDistributedApplicationBuilder builder, [ResourceName] string name, int? port = null)
        where TProject : IProjectMetadata, new()
    {
        var service = builder.AddProject<TProject>(name)
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.Environment.EnvironmentName)
            .WithEnvironment("DOTNET_ENVIRONMENT", builder.Environment.EnvironmentName)
            .WithHttpEndpoint(port: port)
            // The orchestrator's own check; outside Development a service maps /health only when told to (a
            // deployment would rather give it an internal port, Health__Port).
            .WithEnvironment("Health__Enabled", "true")
            .WithHttpHealthCheck("/health")
            .WithRestartOnCrash();
        // Locally every service signs with the documented development key; a deployment needs one of its own.
        if (builder.ExecutionContext.IsPublishMode) service.WithEnvironment("Auth__SigningKey", builder.SigningKey());
        return service;
    }

    private static IResourceBuilder<ParameterResource> SigningKey(this IDistributedApplicationBuilder builder)
    {
        const string name = "auth-signing-key";
        return builder.Resources.OfType<ParameterResource>().FirstOrDefault(p => p.Name == name) is { } existing
            ? builder.CreateResourceBuilder(existing)
            : builder.AddParameter(name, new GenerateParameterDefault { MinLength = 48, Special = false }, secret: true);
    }
}
