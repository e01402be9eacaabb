using System.Collections.Concurrent;
using HeartRule.Engine;

namespace HeartRule.Persistence.Scripts;

/// <summary>
/// Validates uploads with the engine's own loader, resolving use_skill against the techniques stored now, so
/// that what is accepted here is exactly what the script engine will load.
/// </summary>
public sealed class ScriptValidator(ScriptStore store, ILogger<ScriptValidator> logger)
{
    // Versions are immutable: a technique version parsed once stays parsed.
    private readonly ConcurrentDictionary<(string Id, int Version), Script?> _techniques = new();

    /// <param name="locale">The language the findings are worded in.</param>
    public async Task<ScriptLoadResult> ValidateAsync(string yaml, string locale, CancellationToken ct) =>
        ScriptLoader.Load(yaml, await SkillsAsync(ct), locale);

    /// <summary>
    /// Validates for storing: the result in <paramref name="locale"/>, and the findings in every language (<see cref="ScriptFindings"/>).
    /// </summary>
    public async Task<(ScriptLoadResult Result, ScriptFindings Findings)> CheckAsync(string yaml, string locale, CancellationToken ct)
    {
        var skills = await SkillsAsync(ct);
        return ScriptFindings.Check(language => ScriptLoader.Load(yaml, skills, language), locale);
    }

    private async Task<Skills> SkillsAsync(CancellationToken ct)
    {
        var skills = new Dictionary<string, Script>(StringComparer.Ordinal);
        foreach (var record in await store.GetCurrentTechniquesAsync(ct))
        {
            var technique = _techniques.GetOrAdd((record.ScriptId, record.Version), _ =>
            {
                var loaded = ScriptLoader.Load(record.Yaml);
                if (loaded.Script is null) logger.LogWarning("Stored technique {ScriptId} v{Version} does not load", record.ScriptId, record.Version);
                return loaded.Script;
            });
            if (technique is { Kind: ScriptKind.Technique }) skills[technique.Id] = technique;
        }
        return new Skills(skills);
    }

    private sealed class Skills(Dictionary<string, Script> skills) : ISkillResolver
    {
        public Script? Resolve(string skillId) => skills.GetValueOrDefault(skillId);
    }
}
