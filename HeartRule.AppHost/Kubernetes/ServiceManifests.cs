using System.Globalization;
using HeartRule.AppHost.Infrastructure;

namespace HeartRule.AppHost.Kubernetes;

/// <summary>
/// One of our services in a cluster: ConfigMap, Deployment, Service, and a PodDisruptionBudget; a
/// HorizontalPodAutoscaler when the model says it scales out.
/// </summary>
public static class ServiceManifests
{
    public const string Component = "service";

    /// <summary>
    /// Long enough for the endpoints to drop the pod before it stops taking connections (the ingress and the other
    /// services keep sending to it until then).
    /// </summary>
    public const int PreStopSeconds = 5;

    /// <summary>
    /// The pre-stop pause, then the host's shutdown (30 s by default: the gateway closes every socket with 1012 and
    /// waits for them, the consumers finish or hand back their messages), with room to spare.
    /// </summary>
    public const int TerminationGraceSeconds = PreStopSeconds + 30 + 10;

    /// <summary>
    /// In a cluster the probes, not the orchestrator, ask for /health and /alive, on a port of their own that the
    /// Service does not expose (Health__Port); the AppHost's Health__Enabled would serve them to every caller.
    /// </summary>
    public static IReadOnlyDictionary<string, ClusterValue> Environment(Workload service)
    {
        var environment = new SortedDictionary<string, ClusterValue>(service.Environment.ToDictionary(), StringComparer.Ordinal);
        environment.Remove("Health__Enabled");
        var health = ClusterValues.HealthPort.ToString(CultureInfo.InvariantCulture);
        environment["Health__Port"] = new(health, false);
        // Aspire names the port HTTP_PORTS; the service listens on the health port as well.
        environment["HTTP_PORTS"] = new($"{ContainerImages.ServicePort};{health}", false);
        return environment;
    }

    public static IEnumerable<object> Build(Workload service)
    {
        var environment = Environment(service);
        yield return WorkloadConfiguration.ConfigMap(service.Name, Component, environment);
        yield return Deployment(service, environment);
        yield return Service(service);
        yield return new
        {
            apiVersion = "policy/v1",
            kind = "PodDisruptionBudget",
            metadata = Labels.Metadata(service.Name, Component),
            spec = new { maxUnavailable = 1, selector = new { matchLabels = Labels.Selector(service.Name) } }
        };
        if (service.Autoscaling is { } autoscaling) yield return Autoscaler(service, autoscaling);
    }

    private static object Deployment(Workload service, IReadOnlyDictionary<string, ClusterValue> environment) => new
    {
        apiVersion = "apps/v1",
        kind = "Deployment",
        metadata = Labels.Metadata(service.Name, Component),
        spec = new
        {
            replicas = service.Replicas,
            selector = new { matchLabels = Labels.Selector(service.Name) },
            // A new pod is ready before an old one goes: capacity never drops during a rollout.
            strategy = new { type = "RollingUpdate", rollingUpdate = new { maxSurge = 1, maxUnavailable = 0 } },
            template = new
            {
                metadata = new { labels = Labels.Of(service.Name, Component) },
                spec = new
                {
                    // The services call no Kubernetes API, and service links would add variables they would read.
                    automountServiceAccountToken = false,
                    enableServiceLinks = false,
                    terminationGracePeriodSeconds = TerminationGraceSeconds,
                    securityContext = PodSecurity(ContainerImages.ServiceUserId),
                    containers = new[]
                    {
                        new
                        {
                            name = service.Name,
                            image = service.Image,
                            imagePullPolicy = "IfNotPresent",
                            ports = new[]
                            {
                                new { name = "http", containerPort = ContainerImages.ServicePort },
                                new { name = "health", containerPort = ClusterValues.HealthPort }
                            },
                            env = WorkloadConfiguration.Env(service.Name, environment),
                            // Persistence migrates the database before it is alive; the others start in seconds.
                            startupProbe = Probe("/alive", periodSeconds: 2, failureThreshold: 90),
                            readinessProbe = Probe("/health", periodSeconds: 5, failureThreshold: 2),
                            livenessProbe = Probe("/alive", periodSeconds: 10, failureThreshold: 3),
                            lifecycle = new { preStop = new { exec = new { command = new[] { "sleep", PreStopSeconds.ToString(CultureInfo.InvariantCulture) } } } },
                            resources = new
                            {
                                requests = new { cpu = "250m", memory = "256Mi" },
                                limits = new { cpu = "1", memory = "512Mi" }
                            },
                            securityContext = ContainerSecurity(),
                            volumeMounts = new[] { new { name = "tmp", mountPath = "/tmp" } }
                        }
                    },
                    volumes = new[] { TmpVolume() }
                }
            }
        }
    };

    private static object Service(Workload service) => new
    {
        apiVersion = "v1",
        kind = "Service",
        metadata = Labels.Metadata(service.Name, Component),
        spec = new
        {
            selector = Labels.Selector(service.Name),
            ports = new[] { new { name = "http", port = ContainerImages.ServicePort, targetPort = "http" } }
        }
    };

    private static object Autoscaler(Workload service, AutoscalingAnnotation autoscaling) => new
    {
        apiVersion = "autoscaling/v2",
        kind = "HorizontalPodAutoscaler",
        metadata = Labels.Metadata(service.Name, Component),
        spec = new
        {
            scaleTargetRef = new { apiVersion = "apps/v1", kind = "Deployment", name = service.Name },
            minReplicas = service.Replicas,
            maxReplicas = Math.Max(service.Replicas, autoscaling.MaxReplicas),
            metrics = new[]
            {
                new
                {
                    type = "Resource",
                    resource = new { name = "cpu", target = new { type = "Utilization", averageUtilization = autoscaling.TargetCpuPercent } }
                }
            }
        }
    };

    private static object Probe(string path, int periodSeconds, int failureThreshold) =>
        new { httpGet = new { path, port = "health" }, periodSeconds, failureThreshold, timeoutSeconds = 2 };

    public static object PodSecurity(long userId) => new
    {
        runAsNonRoot = true,
        runAsUser = userId,
        runAsGroup = userId,
        fsGroup = userId,
        seccompProfile = new { type = "RuntimeDefault" }
    };

    public static object ContainerSecurity() => new
    {
        allowPrivilegeEscalation = false,
        readOnlyRootFilesystem = true,
        capabilities = new { drop = new[] { "ALL" } }
    };

    /// <summary>The one writable place on a read-only root filesystem: .NET's and the servers' temporary files.</summary>
    public static object TmpVolume() => new { name = "tmp", emptyDir = new { sizeLimit = "64Mi" } };
}
