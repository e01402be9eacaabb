using YamlDotNet.RepresentationModel;

namespace HeartRule.Play;

/// <summary>Paths into parsed YAML (the deploy tests use them too).</summary>
public static class YamlPaths
{
    public static YamlNode? Find(this YamlNode node, params string[] path)
    {
        foreach (var step in path)
        {
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(step, out var next)) return null;
            node = next;
        }
        return node;
    }

    public static YamlNode Get(this YamlNode node, params string[] path) =>
        node.Find(path) ?? throw new InvalidOperationException($"missing {string.Join('.', path)}");

    public static string Scalar(this YamlNode node, params string[] path) =>
        ((YamlScalarNode)node.Get(path)).Value ?? "";
}
