using HeartRule.Hosting.ApplicationModel;

namespace HeartRule.Hosting;

public static class ExecutableResourceBuilderExtensions
{
    /// <summary>Any program, run in <paramref name="workingDirectory"/> (relative to the AppHost's folder).</summary>
    public static IResourceBuilder<ExecutableResource> AddExecutable(this IDistributedApplicationBuilder builder, string name, string command, string workingDirectory, params string[] args) =>
        builder.AddResource(new ExecutableResource(name, command, Path.GetFullPath(workingDirectory, builder.AppHostDirectory), args));

    public static IResourceBuilder<ExecutableResource> WithArgs(this IResourceBuilder<ExecutableResource> builder, params string[] args)
    {
        builder.Resource.Args.AddRange(args);
        return builder;
    }

    /// <summary>Ready when this path of its first http endpoint answers 2xx, instead of as soon as it runs.</summary>
    public static IResourceBuilder<ExecutableResource> WithHttpHealthCheck(this IResourceBuilder<ExecutableResource> builder, string path = "/health")
    {
        builder.Resource.HealthCheckPath = path;
        return builder;
    }
}
