using HeartRule.Localization;
using YamlDotNet.RepresentationModel;

namespace HeartRule.Engine.Loading;

/// <summary>Collects findings, their words written in the reader's locale.</summary>
internal sealed class IssueCollector(string locale)
{
    public List<ScriptIssue> Errors { get; } = [];
    public List<ScriptIssue> Warnings { get; } = [];

    public void Error(string path, YamlNode? at, string kind, string message, string? expected = null, string? actual = null, string? suggestion = null) =>
        Errors.Add(new ScriptIssue(path, Line(at), Column(at), kind, message, expected, actual, suggestion));

    public void Warning(string path, YamlNode? at, string kind, string message, string? expected = null, string? actual = null, string? suggestion = null) =>
        Warnings.Add(new ScriptIssue(path, Line(at), Column(at), kind, message, expected, actual, suggestion));

    /// <summary>A catalogue text in the reader's locale.</summary>
    public string T(string key, params ReadOnlySpan<(string, object?)> args) => Catalogue.Get(locale, key, args);

    public string T(LocalText text) => text.In(locale);

    /// <summary>What a node is, for "actual" (a mapping, a list, text "…").</summary>
    public string Describe(YamlNode node) => T(YamlValues.Describe(node));

    /// <summary>"Did you mean 'x'?" when a candidate is close, else the fallback suggestion.</summary>
    public string DidYouMean(string word, IEnumerable<string> candidates, string fallbackKey, params ReadOnlySpan<(string, object?)> args) =>
        Suggest.Closest(word, candidates) is { } close ? T("validation.didYouMean", ("name", close)) : T(fallbackKey, args);

    private static int? Line(YamlNode? n) => n is null ? null : (int)n.Start.Line;
    private static int? Column(YamlNode? n) => n is null ? null : (int)n.Start.Column;
}
