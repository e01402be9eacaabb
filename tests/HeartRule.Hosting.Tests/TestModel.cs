using HeartRule.Hosting.ApplicationModel;

namespace HeartRule.Hosting.Tests;

/// <summary>The HeartRule model built through the public builder API, without running anything.</summary>
internal static class TestModel
{
    public sealed class Persistence : IProjectMetadata { public string ProjectPath => "/src/services/Persistence/HeartRule.Persistence.csproj"; }

    public sealed class ScriptEngine : IProjectMetadata { public string ProjectPath => "/src/services/ScriptEngine/HeartRule.ScriptEngine.csproj"; }

    public sealed class Sessions : IProjectMetadata { public string ProjectPath => "/src/services/Sessions/HeartRule.Sessions.csproj"; }

    public sealed class Gateway : IProjectMetadata { public string ProjectPath => "/src/services/Gateway/HeartRule.Gateway.csproj"; }

    public static IDistributedApplicationBuilder CreateBuilder(params string[] args) =>
        DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            Args = args,
            AppHostDirectory = AppContext.BaseDirectory,
            DataDirectory = Path.Combine(Path.GetTempPath(), "heartrule-unit-" + Guid.NewGuid().ToString("N")[..8]),
            DeleteDataDirectoryOnDispose = true,
            WriteResourceOutputToConsole = false,
        });

    /// <summary>Same shape as HeartRule.AppHost's Program.</summary>
    public static IDistributedApplicationBuilder HeartRule(int gatewayReplicas = 1, params string[] args)
    {
        var builder = CreateBuilder(args);
        var postgres = builder.AddPostgres("postgres");
        var db = postgres.AddDatabase("heartrule");
        var redis = builder.AddRedis("redis");
        var messaging = builder.AddRabbitMQ("messaging");
        var persistence = builder.AddProject<Persistence>("persistence")
            .WithReference(db).WithReference(messaging).WaitFor(db).WaitFor(messaging);
        var scriptEngine = builder.AddProject<ScriptEngine>("scriptengine")
            .WithReference(messaging).WithReference(persistence).WaitFor(messaging).WaitFor(persistence);
        var sessions = builder.AddProject<Sessions>("sessions")
            .WithReference(redis).WithReference(messaging).WithReference(persistence)
            .WaitFor(redis).WaitFor(messaging).WaitFor(persistence);
        builder.AddProject<Gateway>("gateway")
            .WithReference(redis).WithReference(messaging).WithReference(persistence)
            .WaitFor(redis).WaitFor(messaging).WaitFor(sessions).WaitFor(scriptEngine)
            .WithExternalHttpEndpoints()
            .WithReplicas(gatewayReplicas);
        return builder;
    }

    public static T Get<T>(this IDistributedApplicationBuilder builder, string name) where T : IResource =>
        (T)builder.Resources.Single(r => r.Name == name);
}

/// <summary>Fixed ports and predictable secrets, as the runtime would resolve them.</summary>
internal sealed class FakeResolver(Dictionary<string, string>? configured = null) : IValueResolver
{
    private static readonly Dictionary<string, int> Ports = new()
    {
        ["postgres/tcp"] = 15432,
        ["redis/tcp"] = 16379,
        ["messaging/tcp"] = 15673,
        ["persistence/http"] = 5101,
        ["scriptengine/http"] = 5102,
        ["sessions/http"] = 5103,
        ["gateway/http"] = 5000,
        ["monitor/http"] = 5200,
    };

    public AllocatedEndpoint GetEndpoint(IResource resource, string endpointName, int replica)
    {
        var scheme = ((Resource)resource).GetEndpoint(endpointName)!.UriScheme;
        return new AllocatedEndpoint(scheme, "127.0.0.1", Ports[$"{resource.Name}/{endpointName}"] + replica);
    }

    public string GetParameterValue(ParameterResource parameter) => "pw-" + parameter.Name;

    public string? GetConfiguredConnectionString(IResourceWithConnectionString resource) =>
        configured?.GetValueOrDefault(resource.Name);
}
