using System.Text.Json;
using HeartRule.Engine;
using HeartRule.Infrastructure;
using HeartRule.Localization;

namespace HeartRule.Persistence.Scripts;

/// <summary>What validation found in a script, in one language.</summary>
public sealed record LocaleFindings(IReadOnlyList<ProblemIssue> Errors, IReadOnlyList<ProblemIssue> Warnings);

/// <summary>
/// What validation found in a version, worded in every language of the catalogue. It is stored with the version
/// (a draft with errors may be saved), and the engine words its findings as it finds them: keeping every
/// language is what lets a stored result read in each reader's own. The counts are exact; the findings kept are the
/// first <see cref="MaxKept"/> of each kind (a 512 Ki-character draft can hold tens of thousands).
/// </summary>
public sealed record ScriptFindings(int ErrorCount, int WarningCount, IReadOnlyDictionary<string, LocaleFindings> ByLocale)
{
    public const int MaxKept = 500;

    /// <summary>Runs <paramref name="load"/> in every language; answers its result in <paramref name="locale"/> and the findings to store.</summary>
    public static (ScriptLoadResult Result, ScriptFindings Findings) Check(Func<string, ScriptLoadResult> load, string locale)
    {
        var results = Catalogue.Locales.ToDictionary(l => l, load);
        var result = results.GetValueOrDefault(Catalogue.Resolve(locale)) ?? results[Catalogue.DefaultLocale];
        var findings = new ScriptFindings(result.Errors.Count, result.Warnings.Count,
            results.ToDictionary(r => r.Key, r => new LocaleFindings(Issues(r.Value.Errors.Take(MaxKept)), Issues(r.Value.Warnings.Take(MaxKept)))));
        return (result, findings);
    }

    /// <summary>The findings in <paramref name="locale"/> (English when it has none of its own).</summary>
    public LocaleFindings In(string locale) => ByLocale.GetValueOrDefault(Catalogue.Resolve(locale)) ?? ByLocale[Catalogue.DefaultLocale];

    public string ToJson() => JsonSerializer.Serialize(ByLocale, JsonSerializerOptions.Web);

    /// <summary>The stored findings; null for a version stored before findings were kept.</summary>
    public static ScriptFindings? FromJson(string? json, int errorCount, int? warningCount) =>
        json is null || warningCount is not { } warnings
            ? null
            : new ScriptFindings(errorCount, warnings, JsonSerializer.Deserialize<Dictionary<string, LocaleFindings>>(json, JsonSerializerOptions.Web)!);

    public static IReadOnlyList<ProblemIssue> Issues(IEnumerable<ScriptIssue> issues) =>
        issues.Select(i => new ProblemIssue(i.Path, i.Line, i.Column, i.Kind, i.Message, i.Expected, i.Actual, i.Suggestion)).ToList();
}
