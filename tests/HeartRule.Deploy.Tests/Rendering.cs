using System.Diagnostics;
using HeartRule.Play;
using YamlDotNet.RepresentationModel;

namespace HeartRule.Deploy.Tests;

/// <summary>
/// Renders the manifests as <c>./eng/deploy.sh render</c> does: the AppHost's publish step, run from its build
/// output (copied beside the tests), into a folder of its own.
/// </summary>
public sealed class Rendering : IDisposable
{
    public const string Registry = "registry.test:5000";
    public const string Tag = "0123456789ab";

    public string Folder { get; } = Directory.CreateTempSubdirectory("heartrule-k8s-").FullName;

    public IReadOnlyList<Manifest> Manifests { get; private set; } = [];

    public static async Task<Rendering> RenderAsync(params string[] options)
    {
        var rendering = new Rendering();
        await rendering.RenderAgainAsync(options);
        return rendering;
    }

    public async Task RenderAgainAsync(params string[] options)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true
        };
        foreach (var arg in (string[])["HeartRule.AppHost.dll", "--operation", "publish", "--step", "kubernetes-manifests",
                     "--output-path", Folder, "--Images:Registry", Registry, "--Images:Tag", Tag, .. options])
            start.ArgumentList.Add(arg);
        // A deployment's environment, whatever the test runner's.
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"render failed ({process.ExitCode}):\n{await output}\n{await error}");
        Manifests = Manifest.Load(Folder);
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

/// <summary>One YAML document of the rendered folder, and the file it came from.</summary>
public sealed record Manifest(string File, YamlMappingNode Root)
{
    public string Kind => Root.Str("kind");

    public string Name => Root.Str("metadata", "name");

    public static IReadOnlyList<Manifest> Load(string folder)
    {
        var manifests = new List<Manifest>();
        foreach (var file in Directory.GetFiles(folder, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var stream = new YamlStream();
            using (var reader = new StreamReader(file)) stream.Load(reader);
            foreach (var document in stream.Documents)
            {
                var root = Assert.IsType<YamlMappingNode>(document.RootNode);
                manifests.Add(new Manifest(Path.GetRelativePath(folder, file), root));
            }
        }
        return manifests;
    }
}

/// <summary>Typed values at paths into parsed YAML (<see cref="YamlPaths"/>).</summary>
public static class Yaml
{
    public static string Str(this YamlNode node, params string[] path) =>
        Assert.IsType<YamlScalarNode>(node.Get(path)).Value ?? throw new Xunit.Sdk.XunitException($"empty {string.Join('.', path)}");

    public static int Int(this YamlNode node, params string[] path) => int.Parse(node.Str(path), System.Globalization.CultureInfo.InvariantCulture);

    public static IReadOnlyList<YamlNode> Seq(this YamlNode node, params string[] path) =>
        node.Find(path) is YamlSequenceNode sequence ? sequence.Children.ToList() : [];

    public static IReadOnlyDictionary<string, string> Strings(this YamlNode node, params string[] path) =>
        node.Find(path) is YamlMappingNode map
            ? map.Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => ((YamlScalarNode)c.Value).Value ?? "")
            : new Dictionary<string, string>();
}
