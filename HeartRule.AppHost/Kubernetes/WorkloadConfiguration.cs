namespace HeartRule.AppHost.Kubernetes;

/// <summary>
/// A workload's environment as Kubernetes holds it: plain values in a ConfigMap, secret ones (connection strings,
/// passwords, the signing key) in a Secret, each variable taken by name from one of them.
/// </summary>
public static class WorkloadConfiguration
{
    public static string ConfigMapName(string workload) => $"{workload}-config";

    public static string SecretName(string workload) => $"{workload}-secrets";

    public static object ConfigMap(string workload, string component, IReadOnlyDictionary<string, ClusterValue> environment) => new
    {
        apiVersion = "v1",
        kind = "ConfigMap",
        metadata = Labels.Metadata(ConfigMapName(workload), component, workload: workload),
        data = environment.Where(e => !e.Value.IsSecret).ToDictionary(e => e.Key, e => e.Value.Value)
    };

    /// <summary>The workload's Secret, or none when nothing of its environment is secret.</summary>
    public static object? Secret(string workload, string component, IReadOnlyDictionary<string, ClusterValue> environment)
    {
        var secrets = environment.Where(e => e.Value.IsSecret).ToDictionary(e => e.Key, e => e.Value.Value);
        return secrets.Count == 0 ? null : Opaque(SecretName(workload), component, secrets, workload);
    }

    public static object Opaque(string name, string component, IReadOnlyDictionary<string, string> values, string? workload = null) => new
    {
        apiVersion = "v1",
        kind = "Secret",
        metadata = Labels.Metadata(name, component, workload: workload),
        type = "Opaque",
        stringData = values
    };

    public static IReadOnlyList<object> Env(string workload, IReadOnlyDictionary<string, ClusterValue> environment) =>
        environment.Select(e => (object)new
        {
            name = e.Key,
            valueFrom = e.Value.IsSecret
                ? (object)new { secretKeyRef = new { name = SecretName(workload), key = e.Key } }
                : new { configMapKeyRef = new { name = ConfigMapName(workload), key = e.Key } }
        }).ToList();
}
