using HeartRule.Hosting.ApplicationModel;

namespace HeartRule.Hosting.Orchestration.Drivers;

/// <summary>A service launched from its build output with <c>dotnet &lt;dll&gt;</c> in its project folder (as <c>dotnet run</c> would).</summary>
internal sealed class ProjectDriver(ProjectResource project, RuntimeContext context) : ResourceDriver(project, context)
{
    protected override bool LaunchesProcesses => true;

    public override IReadOnlyList<ProcessSpec> GetProcesses(ResourceInstance instance)
    {
        var projectDirectory = Path.GetDirectoryName(project.Metadata.ProjectPath)!;
        var assembly = project.Metadata.AssemblyPath;
        IReadOnlyList<string> arguments = assembly is not null && File.Exists(assembly)
            ? [assembly]
            : ["run", "--project", project.Metadata.ProjectPath, "--no-launch-profile"];
        if (assembly is not null && !File.Exists(assembly))
        {
            instance.Log.Write($"{assembly} is not built; falling back to dotnet run", true, isSystem: true);
        }
        return
        [
            new ProcessSpec
            {
                DisplayName = instance.DisplayName,
                FileName = DotNetHost.Path,
                Arguments = arguments,
                WorkingDirectory = projectDirectory,
                Environment = ProcessEnvironment.For(project, instance.Replica, Context),
            },
        ];
    }

    public override Task<bool> CheckHealthAsync(ResourceInstance instance, CancellationToken cancellationToken) =>
        HttpProbe.IsOkAsync(Context, Context.GetEndpoint(project, ProjectResource.HttpEndpointName, instance.Replica), project.HealthCheckPath, cancellationToken);
}

internal sealed class ExecutableDriver(ExecutableResource executable, RuntimeContext context) : ResourceDriver(executable, context)
{
    protected override bool LaunchesProcesses => true;

    public override IReadOnlyList<ProcessSpec> GetProcesses(ResourceInstance instance) =>
    [
        new ProcessSpec
        {
            DisplayName = instance.DisplayName,
            FileName = executable.Command,
            Arguments = executable.Args,
            WorkingDirectory = executable.WorkingDirectory,
            Environment = ProcessEnvironment.For(executable, instance.Replica, Context),
        },
    ];

    public override Task<bool> CheckHealthAsync(ResourceInstance instance, CancellationToken cancellationToken)
    {
        var http = executable.Endpoints.FirstOrDefault(e => e.IsHttp);
        return executable.HealthCheckPath is not null && http is not null
            ? HttpProbe.IsOkAsync(Context, Context.GetEndpoint(executable, http.Name, instance.Replica), executable.HealthCheckPath, cancellationToken)
            : Task.FromResult(instance.IsProcessRunning);
    }
}

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

internal static class HttpProbe
{
    public static async Task<bool> IsOkAsync(RuntimeContext context, AllocatedEndpoint endpoint, string path, CancellationToken cancellationToken)
    {
        using var response = await context.HttpClient.GetAsync(new Uri(new Uri(endpoint.Url), path), cancellationToken);
        return response.IsSuccessStatusCode;
    }
}

internal static class DotNetHost
{
    /// <summary>The SDK tells child processes which dotnet runs them; otherwise the one we run in, or PATH's.</summary>
    public static string Path { get; } =
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath) ? hostPath
        : Environment.ProcessPath is { } self && System.IO.Path.GetFileNameWithoutExtension(self) == "dotnet" ? self
        : "dotnet";
}
