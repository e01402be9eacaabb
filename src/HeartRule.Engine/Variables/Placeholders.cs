using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace HeartRule.Engine;

/// <summary>
/// Placeholder syntax shared by script content and prompt templates: <c>{x}</c>, <c>{{x}}</c>, <c>${x}</c>
/// and, for system variables in templates, <c>{%x%}</c>. Names start with a letter or underscore
/// (any script, so Chinese names work) and continue with letters, digits or underscores.
/// </summary>
public static partial class Placeholders
{
    [GeneratedRegex(@"\{\{\s*(?<n>[\p{L}_][\p{L}\p{N}_]*)\s*\}\}|\$\{(?<n>[\p{L}_][\p{L}\p{N}_]*)\}|\{%\s*(?<n>[\p{L}_][\p{L}\p{N}_]*)\s*%\}|\{(?<n>[\p{L}_][\p{L}\p{N}_]*)\}")]
    private static partial Regex PlaceholderRegex();

    [GeneratedRegex(@"^[\p{L}_][\p{L}\p{N}_]*$")]
    public static partial Regex VariableName();

    public static IEnumerable<string> Names(string text) =>
        PlaceholderRegex().Matches(text).Select(m => m.Groups["n"].Value);

    /// <summary>Replaces every placeholder that <paramref name="resolve"/> knows; the rest stay as written.</summary>
    public static string Substitute(string text, Func<string, (bool Found, JsonNode? Value)> resolve) =>
        PlaceholderRegex().Replace(text, m =>
        {
            var (found, value) = resolve(m.Groups["n"].Value);
            return found ? Stringify(value) : m.Value;
        });

    /// <summary>How a variable reads inside text: strings as-is, lists joined with commas, objects as JSON.</summary>
    public static string Stringify(JsonNode? value) => value switch
    {
        null => "",
        JsonArray a => string.Join(", ", a.Select(Stringify)),
        JsonObject o => o.ToJsonString(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Number => v.ToJsonString(),
            _ => v.ToJsonString(),
        },
        _ => value.ToJsonString(),
    };
}
