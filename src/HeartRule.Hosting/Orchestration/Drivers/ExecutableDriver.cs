using HeartRule.Hosting.ApplicationModel;

namespace HeartRule.Hosting.Orchestration.Drivers;

/// <summary>Any program, with the same environment a project gets; ready when it runs, or when its health path answers.</summary>
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
