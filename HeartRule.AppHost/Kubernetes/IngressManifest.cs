using Microsoft.Extensions.Configuration;

namespace HeartRule.AppHost.Kubernetes;

/// <summary>
/// The way in: an Ingress for ingress-nginx in front of every workload with an external endpoint (the gateway), TLS
/// terminated there. ingress-nginx passes WebSocket upgrades by itself (HTTP/1.1 upstream, Upgrade and Connection
/// headers); what it needs told is to keep a socket open as long as the gateway does, and the API's largest body.
/// </summary>
public sealed record IngressSettings(string Host, string TlsSecret, string ClassName, string ControllerNamespace)
{
    public static IngressSettings From(IConfiguration configuration) => new(
        configuration["Ingress:Host"] ?? "heartrule.example.com",
        configuration["Ingress:TlsSecret"] ?? "heartrule-tls",
        configuration["Ingress:ClassName"] ?? "nginx",
        configuration["Ingress:ControllerNamespace"] ?? "ingress-nginx");
}

public static class IngressManifest
{
    public static object Build(Workload external, IngressSettings settings) => new
    {
        apiVersion = "networking.k8s.io/v1",
        kind = "Ingress",
        metadata = Labels.Metadata(external.Name, ServiceManifests.Component, new Dictionary<string, string>
        {
            // A socket is idle for up to Gateway:IdleTimeout (120 s) and the gateway pings it meanwhile; nginx's
            // 60 s default would cut sockets that are only quiet.
            ["nginx.ingress.kubernetes.io/proxy-read-timeout"] = "3600",
            ["nginx.ingress.kubernetes.io/proxy-send-timeout"] = "3600",
            // Script uploads take up to 2 MiB (docs/security.md, limits).
            ["nginx.ingress.kubernetes.io/proxy-body-size"] = "2m",
            ["nginx.ingress.kubernetes.io/proxy-http-version"] = "1.1",
            ["nginx.ingress.kubernetes.io/ssl-redirect"] = "true"
        }),
        spec = new
        {
            ingressClassName = settings.ClassName,
            tls = new[] { new { hosts = new[] { settings.Host }, secretName = settings.TlsSecret } },
            rules = new[]
            {
                new
                {
                    host = settings.Host,
                    http = new
                    {
                        paths = new[]
                        {
                            new
                            {
                                path = "/",
                                pathType = "Prefix",
                                backend = new { service = new { name = external.Name, port = new { name = "http" } } }
                            }
                        }
                    }
                }
            }
        }
    };
}
