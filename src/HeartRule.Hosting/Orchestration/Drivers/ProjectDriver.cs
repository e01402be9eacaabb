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
