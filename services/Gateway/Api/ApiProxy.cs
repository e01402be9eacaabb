using Yarp.ReverseProxy.Configuration;

namespace HeartRule.Gateway.Api;

/// <summary>
/// One origin for the browser: the HTTP API is served behind the Gateway. Creating a session runs its first
/// turn and deleting one must stop its turns, so POST /api/sessions and DELETE /api/sessions/{id} go to the
/// Sessions service; every other /api route goes to Persistence, which owns the stored data. Both validate the same bearer token. Destinations come from service discovery
/// configuration (services__{name}__http__0).
/// </summary>
public static class ApiProxy
{
    public static IServiceCollection AddApiProxy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddReverseProxy().LoadFromMemory(
            [
                new RouteConfig
                {
                    RouteId = "create-session", ClusterId = "sessions", Order = 0,
                    Match = new RouteMatch { Path = "/api/sessions", Methods = ["POST"] },
                },
                new RouteConfig
                {
                    RouteId = "delete-session", ClusterId = "sessions", Order = 0,
                    Match = new RouteMatch { Path = "/api/sessions/{id}", Methods = ["DELETE"] },
                },
                new RouteConfig { RouteId = "api", ClusterId = "persistence", Order = 1, Match = new RouteMatch { Path = "/api/{**rest}" } },
            ],
            [Cluster("sessions", configuration), Cluster("persistence", configuration)]);
        return services;
    }

    private static ClusterConfig Cluster(string service, IConfiguration configuration)
    {
        var destinations = new Dictionary<string, DestinationConfig>();
        for (var i = 0; configuration[$"services:{service}:http:{i}"] is { } address; i++)
        {
            destinations[$"{service}-{i}"] = new DestinationConfig { Address = address };
        }
        if (destinations.Count == 0) destinations[service] = new DestinationConfig { Address = $"http://{service}" };
        return new ClusterConfig { ClusterId = service, Destinations = destinations };
    }
}
