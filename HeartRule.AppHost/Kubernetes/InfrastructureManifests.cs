using HeartRule.AppHost.Infrastructure;

namespace HeartRule.AppHost.Kubernetes;

/// <summary>
/// PostgreSQL, Redis and RabbitMQ for a development cluster: each a StatefulSet of one pod with a
/// PersistentVolumeClaim per volume of the model, behind a headless Service of its name. A production cluster uses
/// operators or managed services instead and puts their connection strings in the services' Secrets (docs/deploy.md).
/// </summary>
public static class InfrastructureManifests
{
    public const string Component = "infrastructure";

    public static IEnumerable<object> Build(Workload server)
    {
        yield return WorkloadConfiguration.ConfigMap(server.Name, Component, server.Environment);
        if (WorkloadConfiguration.Secret(server.Name, Component, server.Environment) is { } secret) yield return secret;
        yield return new
        {
            apiVersion = "v1",
            kind = "Service",
            metadata = Labels.Metadata(server.Name, Component),
            spec = new
            {
                clusterIP = "None",
                selector = Labels.Selector(server.Name),
                ports = server.Ports.Select(p => new { name = p.Key, port = p.Value, targetPort = p.Value }).ToList()
            }
        };
        yield return StatefulSet(server);
    }

    /// <summary>
    /// The arguments; a shell command line (Aspire runs Redis as <c>/bin/sh -c "redis-server …"</c>) gives way to the
    /// server with <c>exec</c>, so that the server itself is PID 1 and receives the pod's SIGTERM.
    /// </summary>
    private static IReadOnlyList<string>? Args(Workload server) =>
        server.Command is "/bin/sh" or "sh" && server.Args is ["-c", var script] && !script.StartsWith("exec ", StringComparison.Ordinal)
            ? ["-c", $"exec {script}"]
            : server.Args.Count == 0 ? null : server.Args;

    private static string VolumeName(int index) => index == 0 ? "data" : $"data-{index}";

    private static object StatefulSet(Workload server)
    {
        var port = server.Ports.Values.First();
        var probe = new { tcpSocket = new { port }, periodSeconds = 10, failureThreshold = 3 };
        return new
        {
            apiVersion = "apps/v1",
            kind = "StatefulSet",
            metadata = Labels.Metadata(server.Name, Component),
            spec = new
            {
                serviceName = server.Name,
                replicas = 1,
                selector = new { matchLabels = Labels.Selector(server.Name) },
                template = new
                {
                    metadata = new { labels = Labels.Of(server.Name, Component) },
                    spec = new
                    {
                        automountServiceAccountToken = false,
                        enableServiceLinks = false,
                        securityContext = ServiceManifests.PodSecurity(ContainerImages.InfrastructureUserId),
                        containers = new[]
                        {
                            new
                            {
                                name = server.Name,
                                image = server.Image,
                                imagePullPolicy = "IfNotPresent",
                                command = server.Command is null ? null : new[] { server.Command },
                                args = Args(server),
                                ports = server.Ports.Select(p => new { name = p.Key, containerPort = p.Value }).ToList(),
                                env = WorkloadConfiguration.Env(server.Name, server.Environment),
                                readinessProbe = probe,
                                livenessProbe = probe with { failureThreshold = 6 },
                                resources = new
                                {
                                    requests = new { cpu = "250m", memory = "256Mi" },
                                    limits = new { cpu = "1", memory = "1Gi" }
                                },
                                securityContext = ServiceManifests.ContainerSecurity(),
                                volumeMounts = server.Volumes.Select((path, i) => new { name = VolumeName(i), mountPath = path })
                                    .Append(new { name = "tmp", mountPath = "/tmp" }).ToList()
                            }
                        },
                        volumes = new[] { ServiceManifests.TmpVolume() }
                    }
                },
                volumeClaimTemplates = server.Volumes.Select((_, i) => new
                {
                    metadata = new { name = VolumeName(i), labels = Labels.Of(server.Name, Component) },
                    spec = new
                    {
                        accessModes = new[] { "ReadWriteOnce" },
                        resources = new { requests = new { storage = "5Gi" } }
                    }
                }).ToList()
            }
        };
    }
}
