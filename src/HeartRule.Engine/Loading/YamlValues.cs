using System.Globalization;
using System.Text.Json.Nodes;
using HeartRule.Localization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace HeartRule.Engine.Loading;

/// <summary>Converts YAML nodes to JSON values with YAML 1.2 core-schema typing of plain scalars.</summary>
internal static class YamlValues
{
    public static bool IsPlain(YamlScalarNode s) => s.Style is ScalarStyle.Plain or ScalarStyle.Any;

    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode s && IsPlain(s) && (s.Value is null or "" or "~" or "null" or "Null" or "NULL");

    public static bool TryBool(YamlScalarNode s, out bool value)
    {
        value = false;
        if (!IsPlain(s)) return false;
        switch (s.Value)
        {
            case "true" or "True" or "TRUE": value = true; return true;
            case "false" or "False" or "FALSE": return true;
            default: return false;
        }
    }

    public static bool TryInt(YamlScalarNode s, out int value)
    {
        value = 0;
        return IsPlain(s) && int.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    public static bool TryDouble(YamlScalarNode s, out double value)
    {
        value = 0;
        return IsPlain(s) && s.Value is { } v && v.Length > 0 && (char.IsDigit(v[0]) || v[0] is '-' or '+' or '.')
            && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    public static JsonNode? ToJson(YamlNode node)
    {
        switch (node)
        {
            case YamlScalarNode s:
                if (IsNull(s)) return null;
                if (TryBool(s, out var b)) return JsonValue.Create(b);
                if (TryInt(s, out var i)) return JsonValue.Create(i);
                if (TryDouble(s, out var d)) return JsonValue.Create(d);
                return JsonValue.Create(s.Value ?? "");
            case YamlSequenceNode seq:
                var arr = new JsonArray();
                foreach (var child in seq.Children) arr.Add(ToJson(child));
                return arr;
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (k, v) in map.Children) obj[(k as YamlScalarNode)?.Value ?? k.ToString()] = ToJson(v);
                return obj;
            default:
                return null;
        }
    }

    public static LocalText Describe(YamlNode node) => node switch
    {
        YamlMappingNode => LocalText.Of("describe.mapping"),
        YamlSequenceNode => LocalText.Of("describe.list"),
        YamlScalarNode s when IsNull(s) => LocalText.Of("describe.null"),
        YamlScalarNode s when TryBool(s, out _) => LocalText.Of("describe.boolean", ("value", s.Value)),
        YamlScalarNode s when TryDouble(s, out _) => LocalText.Of("describe.number", ("value", s.Value)),
        YamlScalarNode s => LocalText.Of("describe.text", ("value", Truncate(s.Value ?? "", 40))),
        _ => LocalText.Of("describe.unsupported"),
    };

    private static string Truncate(string s, int n) => s.Length <= n ? s : s[..n] + "…";
}
