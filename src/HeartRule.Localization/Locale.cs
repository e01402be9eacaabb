using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace HeartRule.Localization;

/// <summary>
/// BCP 47 language tags (RFC 5646): checked for form and written in their canonical case (<c>zh-Hans-CN</c>,
/// <c>en-GB</c>). Any well-formed tag is accepted; what HeartRule has no text for falls back (<see cref="Chain"/>).
/// </summary>
public static partial class Locale
{
    public const string English = "en";
    public const string Chinese = "zh-CN";

    /// <summary>Long enough for any tag a person writes; a longer one is refused rather than parsed.</summary>
    public const int MaxLength = 64;

    // language (2–3 letters with up to three extlangs, or 4–8) [-script] [-region] *variant *extension [-privateuse]
    [GeneratedRegex("^(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4,8})(?:-[a-z]{4})?(?:-(?:[a-z]{2}|[0-9]{3}))?(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*(?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*(?:-x(?:-[a-z0-9]{1,8})+)?$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Tag();

    /// <summary>The tag in canonical case, or false when it is not a well-formed BCP 47 tag.</summary>
    public static bool TryNormalize(string? tag, [NotNullWhen(true)] out string? normalized)
    {
        normalized = null;
        var trimmed = tag?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > MaxLength || !Tag().IsMatch(trimmed)) return false;
        var parts = trimmed.Split('-');
        for (var i = 0; i < parts.Length; i++)
        {
            // After a singleton (an extension or private use) every subtag is lower case.
            if (i > 0 && parts[i - 1].Length == 1)
            {
                for (var j = i; j < parts.Length; j++) parts[j] = parts[j].ToLowerInvariant();
                break;
            }
            parts[i] = i == 0 ? parts[i].ToLowerInvariant()
                : parts[i].Length == 4 && char.IsLetter(parts[i][0]) ? char.ToUpperInvariant(parts[i][0]) + parts[i][1..].ToLowerInvariant()
                : parts[i].Length == 2 ? parts[i].ToUpperInvariant()
                : parts[i].ToLowerInvariant();
        }
        normalized = string.Join('-', parts);
        return true;
    }

    /// <summary>A close well-formed tag for a common slip (<c>zh_CN</c>), to suggest; null when there is none.</summary>
    public static string? Suggest(string? tag) =>
        tag is not null && TryNormalize(tag.Replace('_', '-'), out var fixedTag) ? fixedTag : null;

    /// <summary>What to tell someone whose tag is not one: the close tag they meant, else how tags are written.</summary>
    public static LocalText Correction(string? tag) => Suggest(tag) is { } close
        ? LocalText.Of("validation.didYouMean", ("name", close))
        : LocalText.Of("validation.useLanguageTag");

    /// <summary>The tag, then each shorter prefix: <c>zh-Hans-CN</c>, <c>zh-Hans</c>, <c>zh</c>.</summary>
    public static IEnumerable<string> Chain(string tag)
    {
        for (var current = tag; current.Length > 0;)
        {
            yield return current;
            var dash = current.LastIndexOf('-');
            current = dash < 0 ? "" : current[..dash];
        }
    }

    /// <summary>
    /// The locales to try, best first: the requested one and its prefixes, then the script's language and its
    /// prefixes, then English — each once.
    /// </summary>
    public static IReadOnlyList<string> Fallbacks(string? requested, string? scriptLanguage)
    {
        var result = new List<string>();
        foreach (var tag in new[] { requested, scriptLanguage, English })
        {
            if (tag is null) continue;
            foreach (var candidate in Chain(tag))
            {
                if (!result.Contains(candidate, StringComparer.OrdinalIgnoreCase)) result.Add(candidate);
            }
        }
        return result;
    }
}
