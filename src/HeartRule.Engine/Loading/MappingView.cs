using System.Text.RegularExpressions;
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

    public string? String(string key, bool required = false, int? maxLength = null, Regex? pattern = null, string? patternText = null, string? example = null)
    {
        var node = Get(key);
        if (node is null || YamlValues.IsNull(node))
        {
            if (required)
                issues.Error(Child(key), node ?? Node, IssueKinds.Required, $"'{key}' is required",
                    "a non-empty text", node is null ? "missing" : "nothing (null)", example is null ? $"Add '{key}: …'" : $"Add '{key}: {example}'");
            return null;
        }
        if (node is not YamlScalarNode s)
        {
            issues.Error(Child(key), node, IssueKinds.Type, $"'{key}' must be text", "text", YamlValues.Describe(node),
                $"Write '{key}' as a single text value");
            return null;
        }
        var value = s.Value ?? "";
        if (required && value.Trim().Length == 0)
        {
            issues.Error(Child(key), node, IssueKinds.Constraint, $"'{key}' must not be empty", "a non-empty text", "empty text",
                example is null ? $"Give '{key}' a value" : $"For example '{key}: {example}'");
            return null;
        }
        if (maxLength is { } max && value.Length > max)
            issues.Error(Child(key), node, IssueKinds.Constraint, $"'{key}' is longer than {max} characters",
                $"at most {max} characters", $"{value.Length} characters", $"Shorten '{key}'");
        if (pattern is not null && !pattern.IsMatch(value))
            issues.Error(Child(key), node, IssueKinds.Constraint, $"'{key}' has characters that are not allowed",
                patternText, value, example is null ? "Use only the allowed characters" : $"For example '{key}: {example}'");
        return value;
    }

    public int? Int(string key, int min, int max)
    {
        var node = Get(key);
        if (node is null || YamlValues.IsNull(node)) return null;
        if (node is not YamlScalarNode s || !YamlValues.TryInt(s, out var value))
        {
            issues.Error(Child(key), node, IssueKinds.Type, $"'{key}' must be a whole number", $"a whole number from {min} to {max}",
                YamlValues.Describe(node), $"Write e.g. '{key}: {min}' without quotes");
            return null;
        }
        if (value < min || value > max)
        {
            issues.Error(Child(key), node, IssueKinds.Constraint, $"'{key}' must be between {min} and {max}",
                $"{min}–{max}", value.ToString(System.Globalization.CultureInfo.InvariantCulture), $"Use a value from {min} to {max}");
            return null;
        }
        return value;
    }

    public bool? Bool(string key)
    {
        var node = Get(key);
        if (node is null || YamlValues.IsNull(node)) return null;
        if (node is YamlScalarNode s && YamlValues.TryBool(s, out var b)) return b;
        issues.Error(Child(key), node, IssueKinds.Type, $"'{key}' must be true or false", "true or false",
            YamlValues.Describe(node), $"Write '{key}: true' or '{key}: false' without quotes");
        return null;
    }

    public YamlSequenceNode? List(string key, bool required = false, bool nonEmpty = false, string? itemName = null)
    {
        var node = Get(key);
        if (node is null || YamlValues.IsNull(node))
        {
            if (required)
                issues.Error(Child(key), node ?? Node, IssueKinds.Required, $"'{key}' is required", $"a list of {itemName ?? "items"}",
                    node is null ? "missing" : "nothing (null)", $"Add '{key}:' with at least one {itemName ?? "item"}");
            return null;
        }
        if (node is not YamlSequenceNode seq)
        {
            issues.Error(Child(key), node, IssueKinds.Type, $"'{key}' must be a list", $"a list of {itemName ?? "items"}",
                YamlValues.Describe(node), $"Start each {itemName ?? "item"} on its own line with '- '");
            return null;
        }
        if (nonEmpty && seq.Children.Count == 0)
            issues.Error(Child(key), node, IssueKinds.Constraint, $"'{key}' must have at least one {itemName ?? "item"}",
                "at least 1 item", "an empty list", $"Add a {itemName ?? "item"} to '{key}'");
        return seq;
    }

    public MappingView? Mapping(string key, bool required = false)
    {
        var node = Get(key);
        if (node is null || YamlValues.IsNull(node))
        {
            if (required)
                issues.Error(Child(key), node ?? Node, IssueKinds.Required, $"'{key}' is required", "a mapping",
                    node is null ? "missing" : "nothing (null)", $"Add '{key}:' with its fields indented below it");
            return null;
        }
        if (node is not YamlMappingNode map)
        {
            issues.Error(Child(key), node, IssueKinds.Type, $"'{key}' must be a mapping", "a mapping of fields",
                YamlValues.Describe(node), $"Put the fields of '{key}' on indented lines below it");
            return null;
        }
        return new MappingView(map, Child(key), issues);
    }

    /// <summary>Flags keys that were never read. <paramref name="hints"/> gives a tailored message per key.</summary>
    public void ReportUnknownKeys(string what, IReadOnlyDictionary<string, (string Kind, string Message, string Suggestion)>? hints = null)
    {
        foreach (var k in Node.Children.Keys)
        {
            if (k is not YamlScalarNode s)
            {
                issues.Error(Path.Length == 0 ? "root" : Path, k, IssueKinds.Structure, $"Keys of {what} must be plain names, not {YamlValues.Describe(k)}",
                    "a plain field name", YamlValues.Describe(k), "Remove the '?' complex key");
                continue;
            }
            if (s.Value is null || _known.Contains(s.Value)) continue;
            if (hints is not null && hints.TryGetValue(s.Value, out var hint))
            {
                issues.Error(Child(s.Value), k, hint.Kind, hint.Message, null, s.Value, hint.Suggestion);
                continue;
            }
            var close = Suggest.Closest(s.Value, _known);
            issues.Error(Child(s.Value), k, IssueKinds.Structure, $"'{s.Value}' is not a field of {what}",
                $"one of: {string.Join(", ", _known.Order(StringComparer.Ordinal))}", s.Value,
                close is null ? $"Remove '{s.Value}'" : $"Did you mean '{close}'?");
        }
    }
}

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
