using Yarp.ReverseProxy.Configuration;

namespace HeartRule.Gateway.Api;

/// <summary>
/// One origin for the browser: /api/** goes to the Persistence service, which validates the same bearer
/// token. The destination comes from service discovery configuration (services__persistence__http__0).
/// </summary>
public static class ApiProxy
{
    public static IServiceCollection AddApiProxy(this IServiceCollection services, IConfiguration configuration)
    {
        var persistence = configuration["services:persistence:http:0"] ?? "http://persistence";
        services.AddReverseProxy().LoadFromMemory(
            [new RouteConfig { RouteId = "api", ClusterId = "persistence", Match = new RouteMatch { Path = "/api/{**rest}" } }],
            [new ClusterConfig
            {
                ClusterId = "persistence",
                Destinations = new Dictionary<string, DestinationConfig> { ["persistence"] = new() { Address = persistence } },
            }]);
        return services;
    }
}
