using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HeartRule.Engine;

/// <summary>
/// Runtime values of the condition language: null, bool, double, string, or a JSON array/object.
/// Comparison rules are deliberately forgiving because variables often hold LLM-extracted strings
/// such as "7" that authors compare with numbers.
/// </summary>
internal static class ConditionValue
{
    public static object? FromNode(JsonNode? node)
    {
        switch (node)
        {
            case null: return null;
            case JsonArray or JsonObject: return node;
            case JsonValue v:
                var el = v.GetValueKind();
                return el switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    JsonValueKind.Number => JsonNumbers.TryGetDouble(v, out var d) ? d : 0d,
                    JsonValueKind.String => v.GetValue<string>(),
                    JsonValueKind.Null => null,
                    _ => v.ToJsonString(),
                };
            default: return null;
        }
    }

    public static bool IsTruthy(object? v) => v switch
    {
        null => false,
        bool b => b,
        double d => d != 0 && !double.IsNaN(d),
        string s => s.Length > 0 && !s.Equals("false", StringComparison.OrdinalIgnoreCase),
        JsonArray a => a.Count > 0,
        JsonObject o => o.Count > 0,
        _ => true,
    };

    public static bool TryNumber(object? v, out double d)
    {
        switch (v)
        {
            case double x: d = x; return true;
            case string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var p): d = p; return true;
            default: d = 0; return false;
        }
    }

    public static string AsText(object? v) => v switch
    {
        null => "",
        bool b => b ? "true" : "false",
        double d => d.ToString(CultureInfo.InvariantCulture),
        string s => s,
        JsonNode n => n.ToJsonString(),
        _ => v.ToString() ?? "",
    };

    public static new bool Equals(object? a, object? b)
    {
        if (a is null || b is null) return a is null && b is null || IsEmpty(a) && IsEmpty(b);
        if (a is bool ba) return b is bool bb ? ba == bb : string.Equals(AsText(b), AsText(a), StringComparison.OrdinalIgnoreCase);
        if (b is bool) return Equals(b, a);
        if (TryNumber(a, out var da) && TryNumber(b, out var db)) return da == db;
        return string.Equals(AsText(a).Trim(), AsText(b).Trim(), StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsEmpty(object? v) => v is null || v is string { Length: 0 };

    public static bool Compare(object? a, object? b, string op)
    {
        if (TryNumber(a, out var da) && TryNumber(b, out var db))
        {
            return op switch { ">" => da > db, "<" => da < db, ">=" => da >= db, "<=" => da <= db, _ => false };
        }
        if (a is null || b is null) return false;
        var c = string.Compare(AsText(a), AsText(b), StringComparison.OrdinalIgnoreCase);
        return op switch { ">" => c > 0, "<" => c < 0, ">=" => c >= 0, "<=" => c <= 0, _ => false };
    }

    public static bool Contains(object? haystack, object? needle)
    {
        switch (haystack)
        {
            case null: return false;
            case JsonArray arr: return arr.Any(item => Equals(FromNode(item), needle));
            case JsonObject obj: return obj.ContainsKey(AsText(needle));
            default: return AsText(haystack).Contains(AsText(needle), StringComparison.OrdinalIgnoreCase);
        }
    }
}
