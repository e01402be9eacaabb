using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace HeartRule.AppHost.Kubernetes;

/// <summary>
/// The rendered folder: <c>app/</c> (the services, their Secrets, NetworkPolicies, the Ingress) and
/// <c>dev-infrastructure/</c> (PostgreSQL, Redis and RabbitMQ as StatefulSets, for a cluster without managed ones).
/// </summary>
public static class ManifestFiles
{
    public const string AppFolder = "app";
    public const string DevInfrastructureFolder = "dev-infrastructure";
    public const string SecretsFile = "secrets.yaml";

    /// <summary>The Secret that records every parameter's value, so that the next render keeps them.</summary>
    public const string ParametersSecret = "heartrule-parameters";

    private static readonly ISerializer Serializer = new SerializerBuilder()
        .WithQuotingNecessaryStrings()
        .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull)
        .DisableAliases()
        .Build();

    public static void Write(string output, string folder, string file, IEnumerable<object> documents, string? note = null)
    {
        var directory = Path.Combine(output, folder);
        Directory.CreateDirectory(directory);
        using var writer = new StreamWriter(Path.Combine(directory, file));
        writer.WriteLine("# Generated from HeartRule.AppHost by ./eng/deploy.sh render; render again rather than edit.");
        if (note is not null) writer.WriteLine($"# {note}");
        foreach (var document in documents)
        {
            writer.WriteLine("---");
            writer.Write(Serializer.Serialize(document));
        }
    }

    /// <summary>The parameters' values of the last render into <paramref name="output"/>, if any.</summary>
    public static IReadOnlyDictionary<string, string> ReadKeptParameters(string output)
    {
        var path = Path.Combine(output, AppFolder, SecretsFile);
        var kept = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path)) return kept;
        var stream = new YamlStream();
        using (var reader = new StreamReader(path)) stream.Load(reader);
        foreach (var document in stream.Documents)
        {
            if (document.RootNode is not YamlMappingNode root
                || root.Children.TryGetValue("metadata", out var metadata) is false
                || metadata is not YamlMappingNode meta
                || meta.Children.TryGetValue("name", out var name) is false
                || (name as YamlScalarNode)?.Value != ParametersSecret
                || root.Children.TryGetValue("stringData", out var data) is false
                || data is not YamlMappingNode values) continue;
            foreach (var (key, value) in values.Children)
                kept[((YamlScalarNode)key).Value!] = ((YamlScalarNode)value).Value!;
        }
        return kept;
    }
}
