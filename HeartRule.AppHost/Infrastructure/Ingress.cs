using System.Text;

namespace HeartRule.AppHost.Infrastructure;

public static class IngressExtensions
{
    private const string ConfigFolder = "/usr/local/etc/haproxy";

    /// <summary>
    /// One address in front of a service's containers, as a cluster's Service and ingress are: HAProxy from our image
    /// (eng/images/haproxy) on Aspire's container network, published on 127.0.0.1:<paramref name="port"/>. It sends each
    /// new connection to the next replica that answers its <c>/health</c>, and takes a replica out within two seconds
    /// of its health failing (a stopping gateway refuses new sockets); a connection that cannot reach one goes to
    /// another. A WebSocket stays on the replica it was opened on.
    /// </summary>
    public static IResourceBuilder<ContainerResource> AddIngress(this IDistributedApplicationBuilder builder, [ResourceName] string name,
        int? port, Func<IEnumerable<string>> replicas, ContainerImages images) =>
        builder.AddContainer(name, ContainerImages.Repository("haproxy"))
            .WithOurImage(images, "haproxy")
            .WithHttpEndpoint(port: port, targetPort: ContainerImages.ServicePort)
            .WithContainerFiles(ConfigFolder, (_, _) => Task.FromResult<IEnumerable<ContainerFileSystemItem>>(
                [new ContainerFile { Name = "haproxy.cfg", Contents = Config(replicas()) }]))
            .WithHttpHealthCheck("/health");

    /// <summary>The replicas are found by name on the container network, again after one restarts (its address may change).</summary>
    private static string Config(IEnumerable<string> replicas)
    {
        var config = new StringBuilder($$"""
            # Written by the AppHost (HeartRule.AppHost/Infrastructure/Ingress.cs).
            global
                maxconn 4096

            defaults
                mode http
                option redispatch
                retries 3
                timeout connect 5s
                timeout http-request 10s
                timeout client 60s
                timeout server 60s
                # An upgraded WebSocket: quiet sockets stay up to Gateway:IdleTimeout, with pings (as the rendered
                # ingress's proxy-read-timeout).
                timeout tunnel 1h
                timeout client-fin 5s

            resolvers network
                parse-resolv-conf
                hold valid 1s

            frontend ingress
                bind :{{ContainerImages.ServicePort}}
                option forwardfor
                default_backend replicas

            backend replicas
                balance roundrobin
                option httpchk GET /health
                default-server check inter 1s fall 2 rise 1 resolvers network init-addr last,libc,none

            """);
        foreach (var replica in replicas) config.AppendLine($"    server {replica} {replica}:{ContainerImages.ServicePort}");
        return config.ToString();
    }
}
