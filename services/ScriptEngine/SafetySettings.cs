using HeartRule.Engine;

namespace HeartRule.ScriptEngine;

/// <summary>Settings of the safety net (section "Safety"; docs/safety.md).</summary>
public sealed class SafetySettings
{
    /// <summary>
    /// A folder of lexicon files (<c>*.json</c>, the format of the engine's own) that replace the built-in English and
    /// Chinese ones. Unset: the built-in lexicons.
    /// </summary>
    public string? LexiconsDirectory { get; set; }

    /// <summary>Crisis resources (hotlines, emergency numbers) by locale, said with every crisis response; unset locales use the documented defaults.</summary>
    public Dictionary<string, string> Resources { get; set; } = [];

    /// <summary>The engine's options from these settings; a lexicon that does not parse stops the service at startup, naming the file.</summary>
    public SafetyOptions ToOptions()
    {
        if (LexiconsDirectory is null) return new SafetyOptions { Resources = Resources };
        var files = Directory.GetFiles(LexiconsDirectory, "*.json").Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new InvalidOperationException($"Safety:LexiconsDirectory '{LexiconsDirectory}' holds no *.json lexicon.");
        var lexicons = files.Select(f =>
        {
            try
            {
                return Lexicon.Parse(File.ReadAllText(f));
            }
            catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or ArgumentException)
            {
                throw new InvalidOperationException($"Safety lexicon {f} is invalid: {ex.Message}", ex);
            }
        }).ToList();
        return new SafetyOptions { Screen = new CrisisScreen(lexicons), Replies = new ReplyCheck(lexicons), Resources = Resources };
    }
}
