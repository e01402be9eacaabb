using HeartRule.Hosting.ApplicationModel;

namespace HeartRule.Hosting.Orchestration.Drivers;

/// <summary>The environment of a project or executable process: the model's, resolved, minus what would leak from the AppHost's own.</summary>
internal static class ProcessEnvironment
{
    /// <summary>Inherited from the AppHost's own environment, these would tell a service about things it does not reference.</summary>
    private static readonly string[] NotInherited = ["ConnectionStrings__", "services__", "ASPNETCORE_URLS", "URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "DOTNET_LAUNCH_PROFILE"];

    public static IReadOnlyDictionary<string, string?> For(Resource resource, int replica, RuntimeContext context)
    {
        var environment = ResourceEnvironment.Resolve(ResourceEnvironment.Build(resource, replica, context.EnvironmentSettings), context)
            .ToDictionary(kv => kv.Key, kv => (string?)kv.Value, StringComparer.Ordinal);
        foreach (var inherited in Environment.GetEnvironmentVariables().Keys.Cast<string>())
        {
            if (!environment.ContainsKey(inherited) && NotInherited.Any(p => inherited.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
            {
                environment[inherited] = null;
            }
        }
        return environment;
    }
}
