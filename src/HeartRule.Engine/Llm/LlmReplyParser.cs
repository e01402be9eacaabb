using System.Text.Json;
using System.Text.Json.Nodes;

namespace HeartRule.Engine;

/// <summary>
/// Reads the JSON object a model returns, tolerating code fences and surrounding prose. When no object
/// can be found the raw text becomes the reply's content, so a chatty model still produces a message.
/// </summary>
public static class LlmReplyParser
{
    public static JsonObject Parse(string? text, out bool parsed)
    {
        text ??= "";
        foreach (var candidate in Candidates(text))
        {
            try
            {
                if (JsonNode.Parse(candidate) is JsonObject obj)
                {
                    parsed = true;
                    return obj;
                }
            }
            catch (JsonException)
            {
            }
        }
        parsed = false;
        return new JsonObject { ["content"] = text.Trim(), ["EXIT"] = false };
    }

    private static IEnumerable<string> Candidates(string text)
    {
        var trimmed = text.Trim();
        yield return trimmed;
        var fence = trimmed.IndexOf("```", StringComparison.Ordinal);
        if (fence >= 0)
        {
            var start = trimmed.IndexOf('\n', fence);
            var end = start < 0 ? -1 : trimmed.IndexOf("```", start, StringComparison.Ordinal);
            if (start >= 0 && end > start) yield return trimmed[(start + 1)..end].Trim();
        }
        var open = trimmed.IndexOf('{');
        var close = trimmed.LastIndexOf('}');
        if (open >= 0 && close > open) yield return trimmed[open..(close + 1)];
    }

    /// <summary>Models write the exit flag many ways: true, "true", "yes", "YES".</summary>
    public static bool Flag(JsonObject reply, params string[] keys)
    {
        foreach (var key in keys)
        {
            var node = reply.FirstOrDefault(kv => string.Equals(kv.Key, key, StringComparison.OrdinalIgnoreCase)).Value;
            if (node is JsonValue v)
            {
                switch (v.GetValueKind())
                {
                    case JsonValueKind.True: return true;
                    case JsonValueKind.False: return false;
                    case JsonValueKind.String:
                        var s = v.GetValue<string>().Trim().ToLowerInvariant();
                        return s is "true" or "yes" or "y" or "1";
                    case JsonValueKind.Number: return JsonNumbers.TryGetDouble(v, out var d) && d != 0;
                }
            }
        }
        return false;
    }

    public static string? Text(JsonObject reply, string key)
    {
        var node = reply[key];
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : node?.ToJsonString();
    }

    /// <summary>A value is usable when it is present and not an empty or "unknown"-style placeholder.</summary>
    public static bool IsFilled(JsonNode? node) => node switch
    {
        null => false,
        JsonValue v when v.GetValueKind() == JsonValueKind.String =>
            v.GetValue<string>().Trim() is var s && s.Length > 0 && s is not ("null" or "unknown" or "N/A" or "n/a" or "未知"),
        JsonValue v when v.GetValueKind() == JsonValueKind.Null => false,
        JsonArray a => a.Count > 0,
        _ => true,
    };
}
