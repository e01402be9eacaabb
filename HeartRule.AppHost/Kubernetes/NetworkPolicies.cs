namespace HeartRule.AppHost.Kubernetes;

/// <summary>
/// Nothing reaches a pod of HeartRule, and a pod reaches nothing, unless the model says so: each workload accepts
/// connections from those that reference it (WithReference) and opens them only to what it references; the
/// external one (the gateway) also from the ingress controller's namespace. DNS is open to all.
/// </summary>
public static class NetworkPolicies
{
    public static IEnumerable<object> Build(IReadOnlyList<Workload> workloads, string ingressNamespace)
    {
        yield return Policy("heartrule-default-deny", Labels.AllOfApp(), ingress: null, egress: null);
        yield return Policy("heartrule-dns", Labels.AllOfApp(), ingress: null, egress: new[]
        {
            new
            {
                to = new[] { new { namespaceSelector = new { }, podSelector = new { matchLabels = new Dictionary<string, string> { ["k8s-app"] = "kube-dns" } } } },
                ports = new[] { new { protocol = "UDP", port = 53 }, new { protocol = "TCP", port = 53 } }
            }
        });

        var byName = workloads.ToDictionary(w => w.Name);
        foreach (var workload in workloads)
        {
            var ingress = workloads.Where(w => w.References.Contains(workload.Name))
                .Select(from => (object)new { from = new[] { new { podSelector = new { matchLabels = Labels.Selector(from.Name) } } }, ports = Ports(workload) })
                .ToList();
            if (workload.IsExternal)
            {
                ingress.Add(new
                {
                    from = new[] { new { namespaceSelector = new { matchLabels = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = ingressNamespace } } } },
                    ports = Ports(workload)
                });
            }
            var egress = workload.References.Select(name => byName[name])
                .Select(to => (object)new { to = new[] { new { podSelector = new { matchLabels = Labels.Selector(to.Name) } } }, ports = Ports(to) })
                .ToList();
            yield return Policy(workload.Name, Labels.Selector(workload.Name), ingress, egress);
        }
    }

    private static IReadOnlyList<object> Ports(Workload workload) =>
        workload.Ports.Values.Select(port => (object)new { protocol = "TCP", port }).ToList();

    /// <summary>
    /// A policy for both directions: a direction without rules lets nothing through (the default deny), one with
    /// rules lets through what they name.
    /// </summary>
    private static object Policy(string name, Dictionary<string, string> podLabels, IReadOnlyList<object>? ingress, IReadOnlyList<object>? egress) => new
    {
        apiVersion = "networking.k8s.io/v1",
        kind = "NetworkPolicy",
        metadata = new { name, labels = Labels.AllOfApp() },
        spec = new
        {
            podSelector = new { matchLabels = podLabels },
            policyTypes = new[] { "Ingress", "Egress" },
            ingress = ingress is { Count: > 0 } ? ingress : null,
            egress = egress is { Count: > 0 } ? egress : null
        }
    };
}
