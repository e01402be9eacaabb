using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace HeartRule.Infrastructure;

public static class RedisExtensions
{
    public const string ConnectionName = "redis";

    /// <summary>
    /// One multiplexer per process (it is thread-safe and meant to be shared), through Aspire's Redis client: its
    /// health check makes /health report Redis, and its instrumentation traces every command.
    /// </summary>
    /// <param name="healthCheck">Whether the service is unready while Redis is down (false: it can do its work without it).</param>
    public static IHostApplicationBuilder AddHeartRuleRedis(this IHostApplicationBuilder builder, bool healthCheck = true)
    {
        if (builder.Configuration.GetConnectionString(ConnectionName) is null)
            throw new InvalidOperationException($"ConnectionStrings:{ConnectionName} is not configured (the AppHost injects it).");
        builder.AddRedisClient(ConnectionName, settings => settings.DisableHealthChecks |= !healthCheck, configureOptions: options =>
        {
            // A Redis that is down at start must not keep the service from starting: the multiplexer reconnects,
            // and /health says not ready meanwhile.
            options.AbortOnConnectFail = false;
            // The client's own dedicated I/O threads spin while they wait; the shared thread pool does not compete
            // with the services' work for the few cores a pod has (docs/benchmarks.md).
            options.SocketManager = SocketManager.ThreadPool;
        });
        return builder;
    }
}
