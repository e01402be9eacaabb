using System.Text;

namespace HeartRule.Engine;

/// <summary>A rule that matched the client's words; <see cref="Negated"/> when they denied it ("I'm not suicidal").</summary>
public sealed record ScreenMatch(string RuleId, string Category, RiskLevel Level, bool Negated, bool Ambiguous);

/// <summary>
/// What the deterministic screen found. <see cref="Level"/> counts only matches that were neither negated nor taken
/// for idioms; <see cref="Unsure"/> says the words need a second look (a denial, an ambiguous phrase, a medium level).
/// </summary>
public sealed record ScreenResult(RiskLevel Level, bool Unsure, IReadOnlyList<ScreenMatch> Matches, string LexiconVersion)
{
    public static readonly ScreenResult Nothing = new(RiskLevel.None, false, [], "");
}

/// <summary>
/// The screen every client input passes before its turn runs: no model, no I/O, a few dozen compiled patterns over a
/// short text (well under a millisecond; docs/benchmarks.md, "Safety screen"). Every lexicon is applied whatever the
/// session's language, since people write in the language they feel in.
/// </summary>
public sealed class CrisisScreen(IReadOnlyList<Lexicon> lexicons)
{
    public static CrisisScreen Default { get; } = new(Lexicon.Defaults);

    public IReadOnlyList<Lexicon> Lexicons => lexicons;

    /// <summary>Every lexicon's locale and version (<c>en@2026.11-1,zh-CN@…</c>), recorded with what the screen finds.</summary>
    public string Versions { get; } = string.Join(",", lexicons.Select(l => $"{l.Locale}@{l.Version}"));

    public ScreenResult Screen(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return ScreenResult.Nothing;
        var normalised = Normalise(text);
        var matches = new List<ScreenMatch>();
        foreach (var lexicon in lexicons)
        {
            var words = lexicon.Idioms is null ? normalised : lexicon.Idioms.Replace(normalised, m => new string(' ', m.Length));
            foreach (var rule in lexicon.Rules)
            {
                var found = rule.Pattern.Match(words);
                if (!found.Success) continue;
                // One match per rule is evidence enough; a denial counts only if every match of the rule is denied.
                var negated = true;
                for (; found.Success && negated; found = found.NextMatch()) negated = IsNegated(lexicon, words, found.Index);
                matches.Add(new ScreenMatch(rule.Id, rule.Category, rule.Level, negated, rule.Ambiguous));
            }
        }
        var counted = matches.Where(m => !m.Negated).ToList();
        var level = counted.Count == 0 ? RiskLevel.None : counted.Max(m => m.Level);
        var unsure = !level.Acts() && (matches.Any(m => m.Negated && m.Level >= RiskLevel.Medium) || counted.Any(m => m.Ambiguous) || level == RiskLevel.Medium);
        return new ScreenResult(level, unsure, matches, Versions);
    }

    /// <summary>
    /// What the offline provider answers when asked for a second opinion: denials and idioms count for nothing,
    /// ambiguous phrases for medium, and the lexicon's <c>escalate_together</c> rules matched together for high.
    /// </summary>
    public RiskLevel SecondOpinion(string? text)
    {
        var result = Screen(text);
        var counted = result.Matches.Where(m => !m.Negated).ToList();
        foreach (var lexicon in lexicons)
        {
            if (lexicon.EscalateTogether.Count > 0 && lexicon.EscalateTogether.All(id => counted.Any(m => m.RuleId == id))) return RiskLevel.High;
        }
        return counted.Count == 0 ? RiskLevel.None : counted.Max(m => m.Level);
    }

    /// <summary>A negation cue in the same clause, within the lexicon's window just before the match.</summary>
    private static bool IsNegated(Lexicon lexicon, string text, int index)
    {
        if (lexicon.Negation is null) return false;
        var clauseStart = text.LastIndexOfAny(ClauseBreaks, Math.Max(0, index - 1)) + 1;
        var before = text[clauseStart..index];
        if (before.Contains(' '))
        {
            var words = before.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            before = string.Join(' ', words.TakeLast(lexicon.NegationWindow));
        }
        else if (before.Length > lexicon.NegationWindow)
        {
            before = before[^lexicon.NegationWindow..];
        }
        return before.Length > 0 && lexicon.Negation.IsMatch(before);
    }

    private static readonly char[] ClauseBreaks = ['.', ',', ';', '!', '?', ':', '\n', '。', '，', '；', '！', '？', '：', '、'];

    private static string Normalise(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '\u2019' or '\u2018' or '\u02BC' => '\'',
                '\t' or '\r' => ' ',
                _ => char.ToLowerInvariant(c),
            });
        }
        return builder.ToString();
    }
}
