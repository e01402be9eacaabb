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
        if (images.Registry is not null)
        {
            postgres.WithOurImage(images, "postgres");
            redis.WithOurImage(images, "redis");
            messaging.WithOurImage(images, "rabbitmq");
        }
        const string database = "heartrule";
        // Locally Aspire creates the database once the server is up; in a cluster nobody does, so the server makes
        // it when it initialises (POSTGRES_DB, the image's contract).
        if (builder.ExecutionContext.IsPublishMode) postgres.WithEnvironment("POSTGRES_DB", database);
        return (postgres.AddDatabase(database), redis, messaging);
    }

    /// <summary>
    /// <c>--Services containers</c>: a local run with the four services from their images (eng/images.sh) too, each
    /// replica a container on Aspire's container network, beside the servers' containers.
    /// </summary>
    public static bool RunsServicesInContainers(this IDistributedApplicationBuilder builder) =>
        builder.Configuration["Services"] == "containers" && !builder.ExecutionContext.IsPublishMode;

    /// <summary>
    /// One of our services: in the AppHost's environment (Development runs get the development sign-in), with an HTTP
    /// endpoint, ready when its <c>/health</c> says so, started again if it crashes. Its project by default (Aspire's
    /// proxy in front, so replicas share one address), and always in a deployment; its image with
    /// <c>--Services containers</c> (an ingress in front of the replicas of one reached from outside, on
    /// <paramref name="port"/>).
    /// </summary>
    public static ServiceBuilder AddService<TProject>(this IDistributedApplicationBuilder builder, [ResourceName] string name, int? port = null)
        where TProject : IProjectMetadata, new()
    {
        if (!builder.RunsServicesInContainers())
        {
            var project = builder.AddProject<TProject>(name).WithHttpEndpoint(port: port).AsService();
            // Locally every service signs with the documented development key; a deployment needs one of its own.
            if (builder.ExecutionContext.IsPublishMode) project.WithEnvironment("Auth__SigningKey", builder.SigningKey());
            return ServiceBuilder.OfProject(project);
        }
        var images = ContainerImages.From(builder.Configuration);
        return ServiceBuilder.OfContainers(name,
            replica => builder.AddResource(new ServiceContainerResource(replica))
                .WithOurImage(images, name)
                // eng/images.sh pushes the services straight to the registry: a tag built again (-dirty) is pulled again.
                .WithImagePullPolicy(ImagePullPolicy.Always)
                .WithHttpEndpoint(targetPort: ContainerImages.ServicePort)
                // What Aspire gives a project by itself. Not its OTLP exporter: the dashboard listens on the host's
                // loopback, which a container reaches only through Aspire's container tunnel, and the tunnel's image
                // is built from one on mcr.microsoft.com (none is reachable here).
                .WithEnvironment("ASPNETCORE_FORWARDEDHEADERS_ENABLED", "true")
                .AsService(),
            (service, replicas) => builder.AddIngress($"{service}-ingress", port, replicas, images));
    }

    private static IResourceBuilder<T> AsService<T>(this IResourceBuilder<T> service) where T : IResourceWithEnvironment, IResourceWithEndpoints
    {
        var environment = service.ApplicationBuilder.Environment.EnvironmentName;
        return service
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", environment)
            .WithEnvironment("DOTNET_ENVIRONMENT", environment)
            // The orchestrator's own check; outside Development a service maps /health only when told to (a
            // deployment would rather give it an internal port, Health__Port).
            .WithEnvironment("Health__Enabled", "true")
            .WithHttpHealthCheck("/health")
            .WithRestartOnCrash();
    }

    /// <summary>Runs the resource from our image <paramref name="name"/> (<c>heartrule/&lt;name&gt;</c> at the tag).</summary>
    public static IResourceBuilder<T> WithOurImage<T>(this IResourceBuilder<T> resource, ContainerImages images, string name) where T : ContainerResource
    {
        resource.WithImage(ContainerImages.Repository(name), images.Tag);
        return images.Registry is { } registry ? resource.WithImageRegistry(registry) : resource;
    }

    private static IResourceBuilder<ParameterResource> SigningKey(this IDistributedApplicationBuilder builder)
    {
        const string name = "auth-signing-key";
        return builder.Resources.OfType<ParameterResource>().FirstOrDefault(p => p.Name == name) is { } existing
            ? builder.CreateResourceBuilder(existing)
            : builder.AddParameter(name, new GenerateParameterDefault { MinLength = 48, Special = false }, secret: true);
    }
}
