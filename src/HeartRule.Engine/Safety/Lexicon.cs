using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace HeartRule.Engine;

/// <summary>
/// One language's crisis screen and reply check: rules of regular expressions, the idioms taken out before matching
/// ("this homework is killing me", "我快累死了"), and the negation cues that make a match a denial ("I'm not
/// suicidal"). Versioned: the version is recorded with every screening, so a flag can be traced to the rules that
/// raised it. The defaults ship inside the engine (Safety/Lexicons); a deployment may replace them with its own files.
/// </summary>
public sealed class Lexicon
{
    // Declared before Defaults: static fields initialise in order, and Defaults parses with these.
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    private Lexicon(LexiconFile file)
    {
        Locale = file.Locale;
        Version = file.Version;
        // Linear-time matching, whatever a pattern (ours or an operator's) looks like: no timeout to tune, nothing
        // a client's text can make slow. Lookarounds and backreferences are therefore not allowed in a lexicon.
        var options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;
        Negation = Join(file.Negations, options);
        NegationWindow = file.NegationWindow;
        Idioms = Join(file.Idioms, options);
        Rules = file.Rules.Select(r => new LexiconRule(r.Id, r.Category, ParseLevel(r.Id, r.Level), r.Ambiguous, Join(r.Patterns, options)!)).ToList();
        ReplyRules = file.ReplyRules.Select(r => new ReplyRule(r.Id, r.Category, Join(r.Patterns, options)!)).ToList();
        EscalateTogether = file.SecondOpinion?.EscalateTogether ?? [];
    }

    public string Locale { get; }
    public string Version { get; }
    internal Regex? Negation { get; }
    /// <summary>How many words (or, in a language written without spaces, characters) before a match a negation may stand.</summary>
    internal int NegationWindow { get; }
    internal Regex? Idioms { get; }
    internal IReadOnlyList<LexiconRule> Rules { get; }
    internal IReadOnlyList<ReplyRule> ReplyRules { get; }
    /// <summary>Rules that, matched together, the offline provider's second opinion takes as high risk.</summary>
    internal IReadOnlyList<string> EscalateTogether { get; }

    /// <summary>Reads a lexicon file; an invalid pattern or level fails here, at startup, naming the rule.</summary>
    public static Lexicon Parse(string json)
    {
        var file = JsonSerializer.Deserialize<LexiconFile>(json, JsonOptions)
            ?? throw new FormatException("A lexicon file must be a JSON object.");
        if (string.IsNullOrWhiteSpace(file.Locale) || string.IsNullOrWhiteSpace(file.Version))
            throw new FormatException("A lexicon needs a locale and a version.");
        return new Lexicon(file);
    }

    /// <summary>The lexicons shipped with the engine: English and Simplified Chinese.</summary>
    public static IReadOnlyList<Lexicon> Defaults { get; } = LoadDefaults();

    private static List<Lexicon> LoadDefaults()
    {
        var assembly = typeof(Lexicon).Assembly;
        return assembly.GetManifestResourceNames().Where(n => n.StartsWith("lexicons/", StringComparison.Ordinal)).Order(StringComparer.Ordinal)
            .Select(n =>
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                return Parse(reader.ReadToEnd());
            }).ToList();
    }

    private static Regex? Join(IReadOnlyList<string>? patterns, RegexOptions options) =>
        patterns is null || patterns.Count == 0 ? null
            : new Regex(string.Join("|", patterns.Select(p => $"(?:{p})")), options);

    private static RiskLevel ParseLevel(string rule, string level) =>
        RiskLevels.TryParse(level, out var parsed) ? parsed : throw new FormatException($"Rule {rule}: '{level}' is not a risk level.");

    private sealed record LexiconFile(
        string Locale, string Version, IReadOnlyList<string>? Negations, IReadOnlyList<string>? Idioms,
        IReadOnlyList<RuleFile> Rules, IReadOnlyList<ReplyRuleFile> ReplyRules, SecondOpinionFile? SecondOpinion, int NegationWindow = 4);

    private sealed record RuleFile(string Id, string Category, string Level, IReadOnlyList<string> Patterns, bool Ambiguous = false);

    private sealed record ReplyRuleFile(string Id, string Category, IReadOnlyList<string> Patterns);

    private sealed record SecondOpinionFile(IReadOnlyList<string>? EscalateTogether);
}

internal sealed record LexiconRule(string Id, string Category, RiskLevel Level, bool Ambiguous, Regex Pattern);

internal sealed record ReplyRule(string Id, string Category, Regex Pattern);
