using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace HeartRule.Play;

/// <summary>
/// The local overlay of the rendered manifests (never hand-written): what a cluster would do with them, done for
/// <c>podman kube play</c>. Each Deployment's replicas and each StatefulSet become Pods on one podman network, the
/// first (or only) one named after its Service so that the Services' DNS names resolve; every ConfigMap and Secret
/// reference is replaced by its value (podman's secrets are not Kubernetes'); the probes go (podman runs them with
/// curl inside the image, which has none: the play script asks /health itself, through a published port); a
/// StatefulSet's claims become named volumes; an emptyDir becomes a folder of the pod's own under
/// <c>OUT/volumes</c> (podman 4.3 would make it one named volume shared by every pod). The Ingress becomes an nginx configuration as ingress-nginx writes
/// it. Ports on 127.0.0.1 from <c>portBase</c> up, listed in <c>ports.env</c>.
/// </summary>
public static class Overlay
{
    public static int Write(string manifests, string output, int portBase)
    {
        var documents = Directory.GetFiles(manifests, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .SelectMany(Load).ToList();
        var values = documents.Where(d => Kind(d) is "ConfigMap" or "Secret")
            .ToDictionary(d => (Kind(d), Name(d)), d => (YamlMappingNode?)d.Find(Kind(d) == "Secret" ? "stringData" : "data") ?? []);

        var ports = new List<(string Key, int Port)>();
        var next = portBase;
        int Publish(string key)
        {
            ports.Add((key, next));
            return next++;
        }

        var https = Publish("ingress.https");
        var infrastructure = new YamlStream();
        var services = new YamlStream();
        foreach (var workload in documents.Where(d => Kind(d) is "StatefulSet" or "Deployment"))
        {
            var name = Name(workload);
            var replicas = Kind(workload) == "StatefulSet" ? 1 : int.Parse(workload.Scalar("spec", "replicas"), CultureInfo.InvariantCulture);
            for (var replica = 1; replica <= replicas; replica++)
            {
                var podName = replica == 1 ? name : $"{name}-{replica}";
                var pod = Pod(workload, podName, values, Publish, output);
                (Kind(workload) == "StatefulSet" ? infrastructure : services).Add(new YamlDocument(pod));
            }
        }

        Directory.CreateDirectory(output);
        Save(infrastructure, Path.Combine(output, "infrastructure.yaml"));
        Save(services, Path.Combine(output, "services.yaml"));
        File.WriteAllLines(Path.Combine(output, "ports.env"), ports.Select(p => $"{p.Key}={p.Port}"));
        var ingress = documents.Single(d => Kind(d) == "Ingress");
        File.WriteAllText(Path.Combine(output, "nginx.conf"), NginxConfig.For(ingress, https, ports, output));
        Console.WriteLine($"overlay: {infrastructure.Documents.Count + services.Documents.Count} pods in {output}");
        return 0;
    }

    private static YamlMappingNode Pod(YamlMappingNode workload, string podName, Dictionary<(string, string), YamlMappingNode> values, Func<string, int> publish, string output)
    {
        // Each replica gets a spec of its own: the overlay changes it.
        workload = Clone(workload);
        var spec = (YamlMappingNode)workload.Get("spec", "template", "spec");
        var labels = (YamlMappingNode)workload.Get("spec", "template", "metadata", "labels");
        if (spec.Find("volumes") is YamlSequenceNode declared)
        {
            foreach (YamlMappingNode volume in declared.Children.Where(v => v.Find("emptyDir") is not null).ToList())
            {
                var folder = Directory.CreateDirectory(Path.Combine(output, "volumes", podName, volume.Scalar("name"))).FullName;
                // Any uid of the pod writes there, as in an emptyDir; sticky, as /tmp is.
                File.SetUnixFileMode(folder, (UnixFileMode)Convert.ToInt32("1777", 8));
                volume.Children.Remove("emptyDir");
                volume.Add("hostPath", new YamlMappingNode("path", folder, "type", "Directory"));
            }
        }
        foreach (YamlMappingNode container in (YamlSequenceNode)spec.Get("containers"))
        {
            foreach (var probe in new[] { "startupProbe", "readinessProbe", "livenessProbe" }) container.Children.Remove(probe);
            if (container.Find("env") is YamlSequenceNode env)
            {
                foreach (YamlMappingNode variable in env)
                {
                    if (variable.Find("valueFrom") is not YamlMappingNode from) continue;
                    var (kind, reference) = from.Find("secretKeyRef") is YamlMappingNode secret
                        ? ("Secret", secret)
                        : ("ConfigMap", (YamlMappingNode)from.Get("configMapKeyRef"));
                    var value = values[(kind, reference.Scalar("name"))].Get(reference.Scalar("key"));
                    variable.Children.Remove("valueFrom");
                    variable.Add("value", new YamlScalarNode(((YamlScalarNode)value).Value) { Style = YamlDotNet.Core.ScalarStyle.DoubleQuoted });
                }
            }
            foreach (YamlMappingNode port in (YamlSequenceNode)container.Get("ports"))
            {
                port.Add("hostIP", "127.0.0.1");
                port.Add("hostPort", publish($"{podName}.{port.Scalar("name")}").ToString(CultureInfo.InvariantCulture));
            }
        }
        if (workload.Find("spec", "volumeClaimTemplates") is YamlSequenceNode claims)
        {
            var volumes = spec.Find("volumes") as YamlSequenceNode ?? [];
            foreach (var claim in claims)
            {
                var volume = claim.Scalar("metadata", "name");
                volumes.Add(new YamlMappingNode(
                    "name", volume,
                    "persistentVolumeClaim", new YamlMappingNode("claimName", $"heartrule-{podName}-{volume}")));
            }
        }
        spec.Children["restartPolicy"] = new YamlScalarNode("Always");
        return new YamlMappingNode(
            "apiVersion", "v1",
            "kind", "Pod",
            "metadata", new YamlMappingNode("name", podName, "labels", labels),
            "spec", spec);
    }

    private static IEnumerable<YamlMappingNode> Load(string file)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(file)) stream.Load(reader);
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode);
    }

    private static YamlMappingNode Clone(YamlMappingNode node)
    {
        var text = new StringWriter();
        new YamlStream(new YamlDocument(node)).Save(text, assignAnchors: false);
        var copy = new YamlStream();
        copy.Load(new StringReader(text.ToString()));
        return (YamlMappingNode)copy.Documents[0].RootNode;
    }

    private static void Save(YamlStream stream, string path)
    {
        using var writer = new StreamWriter(path);
        writer.WriteLine("# Generated by eng/deploy.sh play from the rendered manifests (tools/HeartRule.Play): secrets inside.");
        stream.Save(writer, assignAnchors: false);
    }

    private static string Kind(YamlMappingNode document) => document.Scalar("kind");

    private static string Name(YamlMappingNode document) => document.Scalar("metadata", "name");
}
