using HeartRule.Play;
using YamlDotNet.RepresentationModel;

namespace HeartRule.Deploy.Tests;

public sealed class DefaultRendering : IAsyncLifetime
{
    public Rendering Rendering { get; private set; } = null!;

    public async Task InitializeAsync() => Rendering = await Rendering.RenderAsync();

    public Task DisposeAsync()
    {
        Rendering.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// The static check of the rendered manifests (docs/deploy.md): every document is well-formed Kubernetes, refers
/// only to what exists, and is what the services need to run.
/// </summary>
public sealed class ManifestTests(DefaultRendering fixture) : IClassFixture<DefaultRendering>
{
    private static readonly string[] Services = ["gateway", "persistence", "scriptengine", "sessions"];
    private static readonly string[] Servers = ["messaging", "postgres", "redis"];
    private static readonly string[] WorkloadKinds = ["Deployment", "StatefulSet"];

    private IReadOnlyList<Manifest> Manifests => fixture.Rendering.Manifests;

    private IEnumerable<Manifest> OfKind(params string[] kinds) => Manifests.Where(m => kinds.Contains(m.Kind));

    private Manifest Single(string kind, string name) => Assert.Single(Manifests, m => m.Kind == kind && m.Name == name);

    [Fact]
    public void Every_document_names_its_kind_version_and_name()
    {
        Assert.NotEmpty(Manifests);
        foreach (var manifest in Manifests)
        {
            Assert.False(string.IsNullOrEmpty(manifest.Root.Str("apiVersion")), manifest.File);
            Assert.False(string.IsNullOrEmpty(manifest.Kind), manifest.File);
            Assert.Matches("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", manifest.Name);
        }
        Assert.Empty(Manifests.GroupBy(m => (m.Kind, m.Name)).Where(g => g.Count() > 1).Select(g => g.Key));
    }

    [Fact]
    public void Every_service_and_server_of_the_model_is_there()
    {
        Assert.Equal(Services, OfKind("Deployment").Select(m => m.Name).Order());
        Assert.Equal(Servers, OfKind("StatefulSet").Select(m => m.Name).Order());
        Assert.All(OfKind("Deployment"), d => Assert.StartsWith("app/", d.File));
        Assert.All(OfKind("StatefulSet"), s => Assert.StartsWith("dev-infrastructure/", s.File));
        foreach (var service in Services)
            Assert.Equal($"{Rendering.Registry}/heartrule/{service}:{Rendering.Tag}", Container(Single("Deployment", service)).Str("image"));
    }

    [Fact]
    public void Every_mounted_volume_is_declared_and_every_server_keeps_its_data_on_a_claim()
    {
        foreach (var workload in OfKind(WorkloadKinds))
        {
            var declared = workload.Root.Seq("spec", "template", "spec", "volumes").Select(v => v.Str("name"))
                .Concat(workload.Root.Seq("spec", "volumeClaimTemplates").Select(c => c.Str("metadata", "name"))).ToList();
            foreach (var mount in Container(workload).Seq("volumeMounts"))
                Assert.True(declared.Contains(mount.Str("name")), $"{workload.Name}: volume {mount.Str("name")} is mounted but not declared");
        }
        foreach (var server in OfKind("StatefulSet"))
        {
            Assert.Equal(server.Name, server.Root.Str("spec", "serviceName"));
            var claim = Assert.Single(server.Root.Seq("spec", "volumeClaimTemplates"));
            Assert.Contains(Container(server).Seq("volumeMounts"), m => m.Str("name") == claim.Str("metadata", "name"));
            Assert.NotNull(claim.Find("spec", "resources", "requests", "storage"));
        }
    }

    [Fact]
    public void Selectors_match_the_labels_of_the_pods_they_mean()
    {
        foreach (var workload in OfKind(WorkloadKinds))
        {
            var selector = workload.Root.Strings("spec", "selector", "matchLabels");
            Assert.NotEmpty(selector);
            Assert.True(Matches(selector, PodLabels(workload)), $"{workload.Kind}/{workload.Name}: selector does not match its pods");
        }
        foreach (var service in OfKind("Service"))
        {
            var pods = OfKind(WorkloadKinds).Where(w => Matches(service.Root.Strings("spec", "selector"), PodLabels(w))).ToList();
            var workload = Assert.Single(pods);
            var ports = Container(workload).Seq("ports").Select(p => (p.Str("name"), p.Str("containerPort"))).ToList();
            foreach (var port in service.Root.Seq("spec", "ports"))
                Assert.Contains(ports, p => p.Item1 == port.Str("targetPort") || p.Item2 == port.Str("targetPort"));
        }
        foreach (var budget in OfKind("PodDisruptionBudget"))
            Assert.Single(OfKind(WorkloadKinds), w => Matches(budget.Root.Strings("spec", "selector", "matchLabels"), PodLabels(w)));
        foreach (var autoscaler in OfKind("HorizontalPodAutoscaler"))
            Single(autoscaler.Root.Str("spec", "scaleTargetRef", "kind"), autoscaler.Root.Str("spec", "scaleTargetRef", "name"));
        foreach (var policy in OfKind("NetworkPolicy"))
        {
            Assert.Contains(OfKind(WorkloadKinds), w => Matches(policy.Root.Strings("spec", "podSelector", "matchLabels"), PodLabels(w)));
            foreach (var peer in policy.Root.Seq("spec", "egress").SelectMany(rule => rule.Seq("to")).Concat(
                         policy.Root.Seq("spec", "ingress").SelectMany(rule => rule.Seq("from"))))
            {
                if (peer.Find("namespaceSelector") is not null) continue;
                Assert.Contains(OfKind(WorkloadKinds), w => Matches(peer.Strings("podSelector", "matchLabels"), PodLabels(w)));
            }
        }
        foreach (var ingress in OfKind("Ingress"))
            foreach (var path in ingress.Root.Seq("spec", "rules").SelectMany(r => r.Seq("http", "paths")))
            {
                var service = Single("Service", path.Str("backend", "service", "name"));
                Assert.Contains(service.Root.Seq("spec", "ports"), p => p.Str("name") == path.Str("backend", "service", "port", "name"));
            }
    }

    [Fact]
    public void Every_referenced_configmap_and_secret_key_exists()
    {
        var references = 0;
        foreach (var workload in OfKind(WorkloadKinds))
            foreach (var variable in Container(workload).Seq("env"))
            {
                var (kind, source, data) = variable.Find("valueFrom", "secretKeyRef") is { } secret
                    ? ("Secret", secret, "stringData")
                    : ("ConfigMap", variable.Get("valueFrom", "configMapKeyRef"), "data");
                var holder = Single(kind, source.Str("name"));
                Assert.True(holder.Root.Strings(data).ContainsKey(source.Str("key")),
                    $"{workload.Name}: {variable.Str("name")} refers to {kind}/{source.Str("name")} key {source.Str("key")}, which is not there");
                references++;
            }
        Assert.True(references > 20);
    }

    [Fact]
    public void Secrets_are_generated_and_only_in_secrets()
    {
        foreach (var configMap in OfKind("ConfigMap"))
        {
            Assert.DoesNotContain(configMap.Root.Strings("data").Keys, key => key.StartsWith("ConnectionStrings__", StringComparison.Ordinal));
            Assert.DoesNotContain(configMap.Root.Strings("data").Keys, key => key.Contains("PASSWORD", StringComparison.Ordinal) || key.Contains("SigningKey", StringComparison.Ordinal));
        }
        foreach (var service in Services)
        {
            var key = Env(Single("Deployment", service))["Auth__SigningKey"];
            Assert.True(key.Length >= 32, $"{service}: the signing key is shorter than 32 bytes");
        }
        Assert.Single(Services.Select(s => Env(Single("Deployment", s))["Auth__SigningKey"]).Distinct());
    }

    [Fact]
    public void Services_get_what_they_read_and_the_servers_the_passwords_in_it()
    {
        var persistence = Env(Single("Deployment", "persistence"));
        var postgres = Env(Single("StatefulSet", "postgres"));
        // The server makes the database the connection string names: no AppHost is there to create it.
        Assert.Equal($"Host=postgres;Port=5432;Username={postgres["POSTGRES_USER"]};Password={postgres["POSTGRES_PASSWORD"]};Database={postgres["POSTGRES_DB"]}",
            persistence["ConnectionStrings__heartrule"]);
        var rabbit = Env(Single("StatefulSet", "messaging"));
        foreach (var service in (string[])["gateway", "persistence", "sessions"])
            Assert.Equal($"amqp://{rabbit["RABBITMQ_DEFAULT_USER"]}:{rabbit["RABBITMQ_DEFAULT_PASS"]}@messaging:5672", Env(Single("Deployment", service))["ConnectionStrings__messaging"]);
        var redis = Env(Single("StatefulSet", "redis"));
        foreach (var service in (string[])["gateway", "scriptengine", "sessions"])
            Assert.StartsWith($"redis:6379,password={redis["REDIS_PASSWORD"]}", Env(Single("Deployment", service))["ConnectionStrings__redis"]);
        Assert.Equal("http://persistence:8080", Env(Single("Deployment", "gateway"))["services__persistence__http__0"]);
        Assert.Equal("http://scriptengine:8080", Env(Single("Deployment", "sessions"))["services__scriptengine__http__0"]);
        Assert.All(Services, s => Assert.Equal("Production", Env(Single("Deployment", s))["ASPNETCORE_ENVIRONMENT"]));
    }

    [Fact]
    public void Services_are_probed_on_an_internal_port_and_run_locked_down()
    {
        foreach (var service in Services)
        {
            var deployment = Single("Deployment", service);
            var container = Container(deployment);
            var env = Env(deployment);
            var health = container.Seq("ports").Single(p => p.Str("name") == "health").Str("containerPort");
            Assert.Equal(health, env["Health__Port"]);
            Assert.Contains(health, env["HTTP_PORTS"].Split(';'));
            Assert.False(env.ContainsKey("Health__Enabled"), "health endpoints would be served to every caller");
            Assert.Equal("/health", container.Str("readinessProbe", "httpGet", "path"));
            Assert.Equal("/alive", container.Str("livenessProbe", "httpGet", "path"));
            Assert.Equal("health", container.Str("readinessProbe", "httpGet", "port"));
            Assert.DoesNotContain(Single("Service", service).Root.Seq("spec", "ports"), p => p.Str("targetPort") == "health");

            var pod = deployment.Root.Get("spec", "template", "spec");
            Assert.Equal("true", pod.Str("securityContext", "runAsNonRoot"));
            Assert.NotEqual("0", pod.Str("securityContext", "runAsUser"));
            Assert.Equal("true", container.Str("securityContext", "readOnlyRootFilesystem"));
            Assert.Equal("false", container.Str("securityContext", "allowPrivilegeEscalation"));
            Assert.NotNull(container.Find("resources", "requests", "cpu"));
            Assert.NotNull(container.Find("resources", "limits", "memory"));
        }
    }

    [Fact]
    public void The_gateway_drains_and_the_busy_services_scale()
    {
        var gateway = Single("Deployment", "gateway");
        Assert.True(gateway.Root.Int("spec", "replicas") >= 2);
        var preStop = Container(gateway).Seq("lifecycle", "preStop", "exec", "command").Select(c => ((YamlScalarNode)c).Value).ToList();
        Assert.Equal("sleep", preStop[0]);
        // The pre-stop pause, then the host's 30 s shutdown in which every socket is closed with 1012.
        Assert.True(gateway.Root.Int("spec", "template", "spec", "terminationGracePeriodSeconds") >= int.Parse(preStop[1]!) + 30);
        Assert.Equal(["gateway", "scriptengine", "sessions"], OfKind("HorizontalPodAutoscaler").Select(m => m.Name).Order());
        Assert.Equal(Services, OfKind("PodDisruptionBudget").Select(m => m.Name).Order());
        var ingress = Assert.Single(OfKind("Ingress"));
        Assert.Equal("3600", ingress.Root.Str("metadata", "annotations", "nginx.ingress.kubernetes.io/proxy-read-timeout"));
        Assert.Equal("gateway", ingress.Root.Seq("spec", "rules").Single().Seq("http", "paths").Single().Str("backend", "service", "name"));
    }

    /// <summary>
    /// Each service may open connections to exactly the hosts its configuration names (connection strings and
    /// service addresses), and is reached only by the services whose configuration names it.
    /// </summary>
    [Fact]
    public void Network_policies_let_each_workload_reach_only_what_its_configuration_names()
    {
        var named = Services.ToDictionary(s => s, s => NamedHosts(Env(Single("Deployment", s))));
        Assert.Equal(["messaging", "postgres"], named["persistence"]);
        Assert.Equal(["messaging", "persistence", "redis", "sessions"], named["gateway"]);
        foreach (var service in Services)
            Assert.Equal(named[service], PolicyPeers(service, "egress", "to"));
        foreach (var target in Services.Concat(Servers))
        {
            var callers = named.Where(n => n.Value.Contains(target)).Select(n => n.Key).Order().ToList();
            Assert.Equal(callers, PolicyPeers(target, "ingress", "from"));
        }
        var gatewayFrom = Single("NetworkPolicy", "gateway").Root.Seq("spec", "ingress").SelectMany(r => r.Seq("from"));
        Assert.Contains(gatewayFrom, peer => peer.Find("namespaceSelector") is not null);
        Assert.All(Services.Where(s => s != "gateway"), s => Assert.DoesNotContain(
            Single("NetworkPolicy", s).Root.Seq("spec", "ingress").SelectMany(r => r.Seq("from")), peer => peer.Find("namespaceSelector") is not null));
    }

    private List<string> PolicyPeers(string workload, string direction, string peers) =>
        Single("NetworkPolicy", workload).Root.Seq("spec", direction).SelectMany(r => r.Seq(peers))
            .Where(p => p.Find("podSelector") is not null)
            .Select(p => p.Str("podSelector", "matchLabels", "app.kubernetes.io/name"))
            .Order(StringComparer.Ordinal).ToList();

    private static List<string> NamedHosts(IReadOnlyDictionary<string, string> env) =>
        env.Where(e => e.Key.StartsWith("ConnectionStrings__", StringComparison.Ordinal) || e.Key.StartsWith("services__", StringComparison.Ordinal))
            .Select(e => e.Value)
            .Select(value => value.Contains("://", StringComparison.Ordinal)
                ? new Uri(value).Host
                : value.StartsWith("Host=", StringComparison.Ordinal) ? value.Split(';')[0]["Host=".Length..] : value.Split(':')[0])
            .Distinct().Order(StringComparer.Ordinal).ToList();

    private static YamlNode Container(Manifest workload) => Assert.Single(workload.Root.Seq("spec", "template", "spec", "containers"));

    private static IReadOnlyDictionary<string, string> PodLabels(Manifest workload) => workload.Root.Strings("spec", "template", "metadata", "labels");

    private static bool Matches(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(s => labels.TryGetValue(s.Key, out var value) && value == s.Value);

    /// <summary>A workload's environment with every value looked up in its ConfigMap or Secret.</summary>
    private IReadOnlyDictionary<string, string> Env(Manifest workload) =>
        Container(workload).Seq("env").ToDictionary(v => v.Str("name"), v => v.Find("valueFrom", "secretKeyRef") is { } secret
            ? Single("Secret", secret.Str("name")).Root.Strings("stringData")[secret.Str("key")]
            : Single("ConfigMap", v.Str("valueFrom", "configMapKeyRef", "name")).Root.Strings("data")[v.Str("valueFrom", "configMapKeyRef", "key")]);
}
