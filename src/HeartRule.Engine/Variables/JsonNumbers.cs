using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HeartRule.Engine;

/// <summary>
/// Reads a JSON number whatever CLR type backs the node: values built in code hold int/long/decimal,
/// values parsed from text hold a JsonElement, and GetValue&lt;double&gt; only works for some of them.
/// </summary>
internal static class JsonNumbers
{
    public static bool TryGetDouble(JsonNode? node, out double value)
    {
        value = 0;
        if (node is not JsonValue v) return false;
        if (v.GetValueKind() == JsonValueKind.Number)
            return double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        if (v.GetValueKind() == JsonValueKind.String)
            return double.TryParse(v.GetValue<string>().Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        return false;
    }
}
