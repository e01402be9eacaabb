using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace HeartRule.Localization;

/// <summary>
/// Every text HeartRule shows a person — validation findings, error messages, the engine's own words, the pages —
/// in one catalogue per language (<c>Catalogue/&lt;locale&gt;.json</c>, flat keys). Texts name their arguments:
/// <c>"'{field}' is required"</c>; <c>{{</c> and <c>}}</c> are literal braces, and braces around anything but a
/// name (letters, digits, <c>_</c>) are text.
/// </summary>
public static class Catalogue
{
    public const string DefaultLocale = Locale.English;

    private static readonly FrozenDictionary<string, FrozenDictionary<string, string>> ByLocale = Load();

    /// <summary>The locales with a catalogue, the default first.</summary>
    public static IReadOnlyList<string> Locales { get; } =
        [DefaultLocale, .. ByLocale.Keys.Where(l => l != DefaultLocale).Order(StringComparer.Ordinal)];

    /// <summary>Whether there is a catalogue for exactly this locale.</summary>
    public static bool Has(string locale) => ByLocale.ContainsKey(locale);

    /// <summary>
    /// The catalogue's locale for a tag: the tag or one of its prefixes, else a catalogue of the same language
    /// (<c>zh-TW</c> reads <c>zh-CN</c> rather than English), else null.
    /// </summary>
    public static string? Match(string? tag)
    {
        if (!Locale.TryNormalize(tag, out var normalized)) return null;
        foreach (var candidate in Locale.Chain(normalized))
        {
            if (ByLocale.ContainsKey(candidate)) return candidate;
        }
        var language = normalized.Split('-')[0];
        return Locales.FirstOrDefault(l => l.Split('-')[0] == language);
    }

    /// <summary>The catalogue's locale for a tag, the default when nothing matches.</summary>
    public static string Resolve(string? tag) => Match(tag) ?? DefaultLocale;

    /// <summary>The first of the preferred tags that a catalogue matches, the default when none does.</summary>
    public static string Negotiate(IEnumerable<string?> preferred) =>
        preferred.Select(Match).FirstOrDefault(l => l is not null) ?? DefaultLocale;

    /// <summary>Every key and text of a locale's catalogue.</summary>
    public static IReadOnlyDictionary<string, string> Entries(string locale) => ByLocale[locale];

    /// <summary>The text of a key in a locale (resolved as <see cref="Resolve"/> does), its arguments filled in.</summary>
    public static string Get(string? locale, string key, params ReadOnlySpan<(string Name, object? Value)> args)
    {
        var template = Template(locale, key);
        if (args.Length == 0 && template.IndexOfAny(['{', '}']) < 0) return template;
        var values = new Dictionary<string, string>(args.Length, StringComparer.Ordinal);
        foreach (var (name, value) in args) values[name] = Text(value);
        return Fill(template, values);
    }

    /// <summary>The text of a key with arguments already written as text (see <see cref="LocalText"/>).</summary>
    public static string Get(string? locale, string key, IReadOnlyDictionary<string, string> args) => Fill(Template(locale, key), args);

    /// <summary>The names a text fills in, for checking that every language's text takes the same arguments.</summary>
    public static IReadOnlySet<string> Placeholders(string text) =>
        Segments(text).Where(s => s.IsName).Select(s => s.Text).ToHashSet(StringComparer.Ordinal);

    internal static string Text(object? value) => value switch
    {
        null => "",
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Template(string? locale, string key)
    {
        var resolved = locale is not null && ByLocale.ContainsKey(locale) ? locale : Resolve(locale);
        // A key missing from a language falls back to the default's text (a test keeps every catalogue complete).
        return ByLocale[resolved].TryGetValue(key, out var text) || ByLocale[DefaultLocale].TryGetValue(key, out text) ? text : key;
    }

    private static string Fill(string template, IReadOnlyDictionary<string, string> args)
    {
        var result = new StringBuilder(template.Length + 16);
        foreach (var (text, isName) in Segments(template))
        {
            // A name nobody gave stays as written, braces and all: visible, rather than silently empty.
            result.Append(!isName ? text : args.TryGetValue(text, out var value) ? value : $"{{{text}}}");
        }
        return result.ToString();
    }

    /// <summary>A text's literal runs and <c>{name}</c> placeholders; <c>{{</c> and <c>}}</c> are literal braces.</summary>
    private static IEnumerable<(string Text, bool IsName)> Segments(string template)
    {
        var literal = new StringBuilder();
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c is '{' or '}' && i + 1 < template.Length && template[i + 1] == c)
            {
                literal.Append(c);
                i++;
                continue;
            }
            var end = c == '{' ? template.IndexOf('}', i + 1) : -1;
            if (end > i + 1 && IsName(template.AsSpan(i + 1, end - i - 1)))
            {
                if (literal.Length > 0) yield return (literal.ToString(), false);
                literal.Clear();
                yield return (template[(i + 1)..end], true);
                i = end;
                continue;
            }
            literal.Append(c);
        }
        if (literal.Length > 0) yield return (literal.ToString(), false);
    }

    private static bool IsName(ReadOnlySpan<char> text) => !text.ContainsAnyExcept(NameChars);

    private static readonly System.Buffers.SearchValues<char> NameChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

    private static FrozenDictionary<string, FrozenDictionary<string, string>> Load()
    {
        var assembly = typeof(Catalogue).Assembly;
        var catalogues = new Dictionary<string, FrozenDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("catalogue/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            var entries = JsonSerializer.Deserialize<Dictionary<string, string>>(stream)
                ?? throw new InvalidOperationException($"The catalogue {name} is empty.");
            catalogues[Path.GetFileNameWithoutExtension(name)] = entries.ToFrozenDictionary(StringComparer.Ordinal);
        }
        if (!catalogues.ContainsKey(DefaultLocale)) throw new InvalidOperationException("There is no catalogue for the default locale.");
        return catalogues.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
