using Microsoft.Extensions.DependencyInjection;

namespace HeartRule.AppHost.Infrastructure;

public static class RedisServerExtensions
{
    /// <summary>
    /// redis-server from Debian's package, in the foreground on 127.0.0.1, with an append-only file in its data folder.
    /// Its settings (the password among them) go in a file of its own, not on the command line, which anyone may read.
    /// Healthy when it answers a PING.
    /// </summary>
    public static IResourceBuilder<RedisServerExecutableResource> AddRedisServer(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        var dataFolder = builder.DataFolder(name);
        var redis = new RedisServerExecutableResource(name, dataFolder, builder.AddServerPassword(name, dataFolder).Resource);
        var port = ServerFolders.FreePort();
        var configFile = Path.Combine(dataFolder, "redis.conf");

        var connectionString = builder.TrackConnectionString(redis);
        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis(_ => connectionString(), name: healthCheckKey);

        return builder.AddResource(redis)
            .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: RedisServerExecutableResource.EndpointName, isProxied: false)
            .WithArgs(configFile)
            .WithIconName("Memory")
            .OnBeforeResourceStarted(async (resource, _, ct) =>
                ServerFolders.WriteOwnerOnly(configFile, $"""
                    port {port}
                    bind 127.0.0.1
                    protected-mode yes
                    requirepass {await resource.Password.GetValueAsync(ct)}
                    dir {resource.DataFolder}
                    appendonly yes
                    # The append-only file is the persistence; RDB snapshots on top would only add disk writes.
                    save ""
                    daemonize no
                    logfile ""
                    """))
            .WithHealthCheck(healthCheckKey);
    }
}
