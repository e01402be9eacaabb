using HeartRule.Hosting.ApplicationModel;

namespace HeartRule.Hosting;

public static class RedisBuilderExtensions
{
    /// <summary>A Redis server: <c>.data/&lt;name&gt;</c>, append-only, port 16379 (<c>Ports:&lt;name&gt;</c>); connection string "127.0.0.1:port".</summary>
    public static IResourceBuilder<RedisResource> AddRedis(this IDistributedApplicationBuilder builder, string name) =>
        builder.AddResource(new RedisResource(name));
}
