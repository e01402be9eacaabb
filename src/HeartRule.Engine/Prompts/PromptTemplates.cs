namespace HeartRule.Engine;

/// <summary>Supplies prompt templates by scheme and name (ai_say, ai_ask, ai_think, extract); null means "not here".</summary>
public interface IPromptTemplateProvider
{
    string? GetTemplate(string? scheme, string name);
}

/// <summary>
/// Templates from a folder: <c>&lt;dir&gt;/&lt;scheme&gt;/&lt;name&gt;.md</c> when the script names a
/// <c>template_scheme</c>, then <c>&lt;dir&gt;/default/&lt;name&gt;.md</c>. A scheme may override just one file.
/// </summary>
public sealed class DirectoryPromptTemplateProvider(string directory) : IPromptTemplateProvider
{
    public string? GetTemplate(string? scheme, string name)
    {
        foreach (var folder in scheme is null ? ["default"] : new[] { scheme, "default" })
        {
            // Scheme names are validated as plain folder names, but guard again: templates must stay inside the folder.
            if (folder.IndexOfAny(['/', '\\', '.']) >= 0) continue;
            var path = Path.Combine(directory, folder, name + ".md");
            if (File.Exists(path)) return File.ReadAllText(path);
        }
        return null;
    }
}

/// <summary>The templates compiled into the engine; the last resort of every lookup.</summary>
public static class EmbeddedPromptTemplates
{
    public static IReadOnlyList<string> Names { get; } = ["ai_say", "ai_ask", "ai_think", "extract"];

    // Read once: they are compiled in, and every LLM call of every turn asks for one.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Loaded = new(StringComparer.Ordinal);

    public static string Get(string name) => Loaded.GetOrAdd(name, Load);

    private static string Load(string name)
    {
        using var stream = typeof(EmbeddedPromptTemplates).Assembly.GetManifestResourceStream($"HeartRule.Engine.Templates.{name}.md")
            ?? throw new InvalidOperationException($"No embedded prompt template '{name}'");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

internal sealed class TemplateSource(IPromptTemplateProvider? provider)
{
    public string Get(string? scheme, string name) => provider?.GetTemplate(scheme, name) ?? EmbeddedPromptTemplates.Get(name);
}
