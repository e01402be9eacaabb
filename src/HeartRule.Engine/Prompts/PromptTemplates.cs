using System.Collections.Concurrent;
using HeartRule.Localization;

namespace HeartRule.Engine;

/// <summary>
/// Supplies prompt templates by scheme (a script's <c>template_scheme</c>, or <c>default</c>), locale and name
/// (ai_say, ai_ask, ai_think, extract); null means "not here".
/// </summary>
public interface IPromptTemplateProvider
{
    string? GetTemplate(string scheme, string locale, string name);
}

/// <summary>Templates from a folder: <c>&lt;dir&gt;/&lt;scheme&gt;/&lt;locale&gt;/&lt;name&gt;.md</c>.</summary>
public sealed class DirectoryPromptTemplateProvider(string directory) : IPromptTemplateProvider
{
    public string? GetTemplate(string scheme, string locale, string name)
    {
        // Scheme names and locales are validated, but guard again: templates must stay inside the folder.
        if (scheme.IndexOfAny(['/', '\\', '.']) >= 0 || !Locale.TryNormalize(locale, out var tag)) return null;
        var path = Path.Combine(directory, scheme, tag, name + ".md");
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }
}

/// <summary>The templates compiled into the engine, in every language it ships; the last resort of every lookup.</summary>
public static class EmbeddedPromptTemplates
{
    public static IReadOnlyList<string> Names { get; } = ["ai_say", "ai_ask", "ai_think", "extract"];

    /// <summary>The locales every template is shipped in.</summary>
    public static IReadOnlyList<string> Locales { get; } = [Locale.English, Locale.Chinese];

    // Read once: they are compiled in, and every LLM call of every turn asks for one.
    private static readonly ConcurrentDictionary<(string Locale, string Name), string?> Loaded = new();

    public static string? Get(string locale, string name) => Loaded.GetOrAdd((locale, name), Load);

    private static string? Load((string Locale, string Name) key)
    {
        using var stream = typeof(EmbeddedPromptTemplates).Assembly.GetManifestResourceStream($"templates/{key.Locale}/{key.Name}.md");
        if (stream is null) return null;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

/// <summary>A template as chosen for one call, and where it came from (<c>scheme/locale/name</c>; <c>builtin/…</c> when embedded).</summary>
public sealed record PromptTemplate(string Text, string Locale, string Source);

/// <summary>
/// Picks a template: for each locale in turn (the session's, then the script's language, then English), the
/// script's scheme, then the <c>default</c> scheme, then the embedded file. A locale beats a scheme: a Chinese
/// session gets a Chinese template even when its scheme overrides only the English one.
/// </summary>
internal sealed class TemplateSource(IPromptTemplateProvider? provider)
{
    public const string DefaultScheme = "default";

    public PromptTemplate Get(string? scheme, IReadOnlyList<string> locales, string name)
    {
        foreach (var locale in locales)
        {
            if (scheme is not null && provider?.GetTemplate(scheme, locale, name) is { } custom)
                return new PromptTemplate(custom, locale, $"{scheme}/{locale}/{name}");
            if (provider?.GetTemplate(DefaultScheme, locale, name) is { } projectDefault)
                return new PromptTemplate(projectDefault, locale, $"{DefaultScheme}/{locale}/{name}");
            if (EmbeddedPromptTemplates.Get(locale, name) is { } embedded)
                return new PromptTemplate(embedded, locale, $"builtin/{locale}/{name}");
        }
        throw new InvalidOperationException($"No prompt template '{name}' for {string.Join(", ", locales)}");
    }
}
