namespace HeartRule.AppHost.Kubernetes;

/// <summary>
/// The service scales out on CPU up to <see cref="MaxReplicas"/> in a cluster (a HorizontalPodAutoscaler from its
/// replica count up); a local run keeps its replica count.
/// </summary>
public sealed record AutoscalingAnnotation(int MaxReplicas, int TargetCpuPercent) : IResourceAnnotation;

public static class AutoscalingExtensions
{
    public static IResourceBuilder<ProjectResource> WithAutoscaling(this IResourceBuilder<ProjectResource> builder, int maxReplicas, int targetCpuPercent = 70) =>
        builder.WithAnnotation(new AutoscalingAnnotation(maxReplicas, targetCpuPercent));
}
