namespace HeartRule.AppHost.Infrastructure;

public static class AppModelExtensions
{
    public static (IResourceBuilder<IResourceWithConnectionString> Database, IResourceBuilder<IResourceWithConnectionString> Redis, IResourceBuilder<IResourceWithConnectionString> Messaging)
        AddLocalInfrastructure(this IDistributedApplicationBuilder builder) =>
        (builder.AddPostgresServer("postgres").WithRestartOnCrash().AddDatabase("heartrule"),
         builder.AddRedisServer("redis").WithRestartOnCrash(),
         builder.AddRabbitMQServer("messaging").WithRestartOnCrash());

    public static (IResourceBuilder<IResourceWithConnectionString> Database, IResourceBuilder<IResourceWithConnectionString> Redis, IResourceBuilder<IResourceWithConnectionString> Messaging)
        AddContainerInfrastructure(this IDistributedApplicationBuilder builder) =>
        (builder.AddPostgres("postgres").WithDataVolume().AddDatabase("heartrule"),
         builder.AddRedis("redis").WithDataVolume(),
         builder.AddRabbitMQ("messaging").WithDataVolume());

    /// <summary>
    /// One of our services: in the AppHost's environment (Development runs get the development sign-in), with an HTTP
    /// endpoint (Aspire's proxy in front, so replicas share one address), ready when its <c>/health</c> says so,
    /// started again if it crashes.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddService<TProject>(this IDistributedApplicationBuilder builder, [ResourceName] string name, int? port = null)
        where TProject : IProjectMetadata, new() =>
        builder.AddProject<TProject>(name)
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.Environment.EnvironmentName)
            .WithEnvironment("DOTNET_ENVIRONMENT", builder.Environment.EnvironmentName)
            .WithHttpEndpoint(port: port)
            // The orchestrator's own check; outside Development a service maps /health only when told to (a
            // deployment would rather give it an internal port, Health__Port).
            .WithEnvironment("Health__Enabled", "true")
            .WithHttpHealthCheck("/health")
            .WithRestartOnCrash();
}
