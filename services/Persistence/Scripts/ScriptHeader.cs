using System.Text.Json;

namespace HeartRule.Persistence.Scripts;

/// <summary>
/// The kind and id a script's YAML names, read from its parsed form without validating it: a draft with errors is
/// still checked against the script it is saved to (a technique cannot become a version of a session script, nor
/// one script's text a version of another).
/// </summary>
public sealed record ScriptHeader(string? Kind, string? Id)
{
    private static readonly ScriptHeader None = new(null, null);

    /// <param name="parsedJson">The YAML as JSON (<see cref="YamlJson.ToJson"/>); null when it does not parse.</param>
    public static ScriptHeader Read(string? parsedJson)
    {
        if (parsedJson is null) return None;
        using var document = JsonDocument.Parse(parsedJson);
        if (document.RootElement.ValueKind != JsonValueKind.Object) return None;
        var session = document.RootElement.TryGetProperty("session", out var s);
        var topic = document.RootElement.TryGetProperty("topic", out var t);
        // Both or neither: the validator reports it; nothing to hold the draft to.
        if (session == topic) return None;
        return session ? new ScriptHeader("session", IdOf(s, "session_id")) : new ScriptHeader("technique", IdOf(t, "topic_id"));
    }

    private static string? IdOf(JsonElement section, string field) =>
        section.ValueKind == JsonValueKind.Object && section.TryGetProperty(field, out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
}
