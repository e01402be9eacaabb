using HeartRule.Hosting.ApplicationModel;

namespace HeartRule.Hosting;

public static class ProjectResourceBuilderExtensions
{
    /// <summary>A service of the solution (<c>Projects.X</c> is generated from the AppHost's project references).</summary>
    public static IResourceBuilder<ProjectResource> AddProject<TProject>(this IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new() =>
        builder.AddResource(new ProjectResource(name, new TProject()));

    public static IResourceBuilder<ProjectResource> AddProject(this IDistributedApplicationBuilder builder, string name, string projectPath, string? assemblyPath = null) =>
        builder.AddResource(new ProjectResource(name, new ProjectMetadata(Path.GetFullPath(projectPath, builder.AppHostDirectory), assemblyPath)));

    /// <summary>Runs <paramref name="replicas"/> processes, each on its own port (base port + index), each told its index.</summary>
    public static IResourceBuilder<ProjectResource> WithReplicas(this IResourceBuilder<ProjectResource> builder, int replicas)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        builder.Resource.Replicas = replicas;
        return builder;
    }

    /// <summary>Readiness path; <c>/health</c> by default.</summary>
    public static IResourceBuilder<ProjectResource> WithHttpHealthCheck(this IResourceBuilder<ProjectResource> builder, string path)
    {
        builder.Resource.HealthCheckPath = path;
        return builder;
    }

    private sealed record ProjectMetadata(string ProjectPath, string? AssemblyPath) : IProjectMetadata;
}
