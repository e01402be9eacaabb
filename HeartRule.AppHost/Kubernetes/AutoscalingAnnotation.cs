namespace HeartRule.AppHost.Kubernetes;

/// <summary>
/// The service scales out on CPU up to <see cref="MaxReplicas"/> in a cluster (a HorizontalPodAutoscaler from its
/// replica count up); a local run keeps its replica count.
/// </summary>
public sealed record AutoscalingAnnotation(int MaxReplicas, int TargetCpuPercent) : IResourceAnnotation;

public static class AutoscalingExtensions
{
    public static IResourceBuilder<T> WithAutoscaling<T>(this IResourceBuilder<T> builder, int maxReplicas, int targetCpuPercent = 70) where T : IResource =>
        builder.WithAnnotation(new AutoscalingAnnotation(maxReplicas, targetCpuPercent));
}
