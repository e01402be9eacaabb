using System.Text.RegularExpressions;
using HeartRule.Localization;
using YamlDotNet.RepresentationModel;

namespace HeartRule.Engine.Loading;

/// <summary>
/// Typed, position-aware access to one YAML mapping. Every read records the key as known, so
/// <see cref="ReportUnknownKeys"/> can flag the rest with a did-you-mean suggestion.
/// </summary>
internal sealed class MappingView(YamlMappingNode node, string path, IssueCollector issues)
{
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    public YamlMappingNode Node { get; } = node;
    public string Path { get; } = path;

    public string Child(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    public YamlNode? Get(string key)
    {
        _known.Add(key);
        foreach (var (k, v) in Node.Children)
        {
            if (k is YamlScalarNode s && s.Value == key) return v;
        }
        return null;
    }

    public YamlNode? KeyNode(string key) =>
        Node.Children.Keys.FirstOrDefault(k => k is YamlScalarNode s && s.Value == key);

    public bool Has(string key) => KeyNode(key) is not null;

    /// <param name="patternText">What the pattern allows, in the reader's words (for "expected").</param>
    public string? String(string key, bool required = false, int? maxLength = null, Regex? pattern = null, string? patternText = null, string? example = null)
    {
        var node = Get(key);
        if (node is null || YamlValues.IsNull(node))
        {
            if (required)
                issues.Error(Child(key), node ?? Node, IssueKinds.Required, issues.T("validation.required", ("field", key)),
                    issues.T("validation.expected.nonEmptyText"), Absent(node),
                    example is null ? issues.T("validation.add", ("field", key)) : issues.T("validation.addExample", ("field", key), ("example", example)));
            return null;
        }
        if (node is not YamlScalarNode s)
        {
            issues.Error(Child(key), node, IssueKinds.Type, issues.T("validation.mustBeText", ("field", key)), issues.T("validation.expected.text"),
                issues.Describe(node), issues.T("validation.writeAsText", ("field", key)));
            return null;
        }
        var value = s.Value ?? "";
        if (required && value.Trim().Length == 0)
        {
            issues.Error(Child(key), node, IssueKinds.Constraint, issues.T("validation.mustNotBeEmpty", ("field", key)),
                issues.T("validation.expected.nonEmptyText"), issues.T("validation.actual.emptyText"),
                example is null ? issues.T("validation.giveValue", ("field", key)) : issues.T("validation.forExample", ("field", key), ("example", example)));
            return null;
        }
        if (maxLength is { } max && value.Length > max)
            issues.Error(Child(key), node, IssueKinds.Constraint, issues.T("validation.tooLong", ("field", key), ("max", max)),
                issues.T("validation.expected.atMostChars", ("max", max)), issues.T("validation.actual.chars", ("count", value.Length)),
                issues.T("validation.shorten", ("field", key)));
        if (pattern is not null && !pattern.IsMatch(value))
            issues.Error(Child(key), node, IssueKinds.Constraint, issues.T("validation.badCharacters", ("field", key)),
                patternText, value,
                example is null ? issues.T("validation.useAllowedCharacters") : issues.T("validation.forExample", ("field", key), ("example", example)));
        return value;
    }

    public int? Int(string key, int min, int max)
    {
        var node = Get(key);
        if (node is null || YamlValues.IsNull(node)) return null;
        if (node is not YamlScalarNode s || !YamlValues.TryInt(s, out var value))
        {
            issues.Error(Child(key), node, IssueKinds.Type, issues.T("validation.mustBeWholeNumber", ("field", key)),
                issues.T("validation.expected.wholeNumberRange", ("min", min), ("max", max)), issues.Describe(node),
                issues.T("validation.writeNumber", ("field", key), ("min", min)));
            return null;
        }
        if (value < min || value > max)
        {
            issues.Error(Child(key), node, IssueKinds.Constraint, issues.T("validation.outOfRange", ("field", key), ("min", min), ("max", max)),
                issues.T("validation.expected.range", ("min", min), ("max", max)), value.ToString(System.Globalization.CultureInfo.InvariantCulture),
                issues.T("validation.useRange", ("min", min), ("max", max)));
            return null;
        }
        return value;
    }

    public bool? Bool(string key)
    {
        var node = Get(key);
        if (node is null || YamlValues.IsNull(node)) return null;
        if (node is YamlScalarNode s && YamlValues.TryBool(s, out var b)) return b;
        issues.Error(Child(key), node, IssueKinds.Type, issues.T("validation.mustBeBoolean", ("field", key)), issues.T("validation.expected.boolean"),
            issues.Describe(node), issues.T("validation.writeBoolean", ("field", key)));
        return null;
    }

    /// <param name="itemName">A catalogue key naming one item (<c>item.phase</c>); "item" when null.</param>
    public YamlSequenceNode? List(string key, bool required = false, bool nonEmpty = false, string? itemName = null)
    {
        var node = Get(key);
        var item = issues.T(itemName ?? "item.item");
        if (node is null || YamlValues.IsNull(node))
        {
            if (required)
                issues.Error(Child(key), node ?? Node, IssueKinds.Required, issues.T("validation.required", ("field", key)),
                    issues.T("validation.expected.list", ("item", item)), Absent(node), issues.T("validation.addListItem", ("field", key), ("item", item)));
            return null;
        }
        if (node is not YamlSequenceNode seq)
        {
            issues.Error(Child(key), node, IssueKinds.Type, issues.T("validation.mustBeList", ("field", key)), issues.T("validation.expected.list", ("item", item)),
                issues.Describe(node), issues.T("validation.startEachItem", ("item", item)));
            return null;
        }
        if (nonEmpty && seq.Children.Count == 0)
            issues.Error(Child(key), node, IssueKinds.Constraint, issues.T("validation.emptyList", ("field", key), ("item", item)),
                issues.T("validation.expected.atLeastOne"), issues.T("validation.actual.emptyList"), issues.T("validation.addItem", ("field", key), ("item", item)));
        return seq;
    }

    public MappingView? Mapping(string key, bool required = false)
    {
        var node = Get(key);
        if (node is null || YamlValues.IsNull(node))
        {
            if (required)
                issues.Error(Child(key), node ?? Node, IssueKinds.Required, issues.T("validation.required", ("field", key)), issues.T("validation.expected.mapping"),
                    Absent(node), issues.T("validation.addMapping", ("field", key)));
            return null;
        }
        if (node is not YamlMappingNode map)
        {
            issues.Error(Child(key), node, IssueKinds.Type, issues.T("validation.mustBeMapping", ("field", key)), issues.T("validation.expected.mappingOfFields"),
                issues.Describe(node), issues.T("validation.indentFields", ("field", key)));
            return null;
        }
        return new MappingView(map, Child(key), issues);
    }

    /// <summary>Flags keys that were never read. <paramref name="hints"/> gives a tailored finding per key.</summary>
    /// <param name="what">What the mapping is, in the reader's words ("a phase").</param>
    public void ReportUnknownKeys(string what, IReadOnlyDictionary<string, FieldHint>? hints = null)
    {
        foreach (var k in Node.Children.Keys)
        {
            if (k is not YamlScalarNode s)
            {
                issues.Error(Path.Length == 0 ? "root" : Path, k, IssueKinds.Structure, issues.T("validation.complexKey", ("what", what), ("actual", issues.Describe(k))),
                    issues.T("validation.expected.plainName"), issues.Describe(k), issues.T("validation.removeComplexKey"));
                continue;
            }
            if (s.Value is null || _known.Contains(s.Value)) continue;
            if (hints is not null && hints.TryGetValue(s.Value, out var hint))
            {
                issues.Error(Child(s.Value), k, hint.Kind, issues.T(hint.Message), hint.Replacement, s.Value, issues.T(hint.Suggestion));
                continue;
            }
            issues.Error(Child(s.Value), k, IssueKinds.Structure, issues.T("validation.unknownField", ("field", s.Value), ("what", what)),
                issues.T("validation.expected.oneOf", ("list", string.Join(", ", _known.Order(StringComparer.Ordinal)))), s.Value,
                issues.DidYouMean(s.Value, _known, "validation.remove", ("field", s.Value)));
        }
    }

    private string Absent(YamlNode? node) => issues.T(node is null ? "validation.actual.missing" : "validation.actual.null");
}

/// <summary>What to say about a field that has a known better place or replacement.</summary>
/// <param name="Replacement">The field to write instead, when the fix is a plain rename: reported as the finding's expected value.</param>
internal sealed record FieldHint(string Kind, LocalText Message, LocalText Suggestion, string? Replacement = null);

internal static class Suggest
{
    public static string? Closest(string word, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var c in candidates)
        {
            var d = Distance(word.ToLowerInvariant(), c.ToLowerInvariant());
            if (d < bestDistance) { bestDistance = d; best = c; }
        }
        return best is not null && bestDistance <= Math.Max(2, word.Length / 3) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) prev[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (var j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
