using HeartRule.Engine;
using HeartRule.Localization;

namespace HeartRule.Persistence.Scripts;

/// <summary>
/// Loads the sample scripts shipped with the service on first start: a script already stored (even one a
/// user has since changed or deleted) is left alone.
/// </summary>
public sealed class SampleScriptSeeder(ScriptStore store, ILogger<SampleScriptSeeder> logger)
{
    public async Task SeedAsync(CancellationToken ct)
    {
        var skills = new SampleSkills();
        foreach (var (resource, yaml) in LoadSamples())
        {
            var (result, findings) = ScriptFindings.Check(locale => ScriptLoader.Load(yaml, skills, locale), Catalogue.DefaultLocale);
            if (result.Script is { Kind: ScriptKind.Technique } technique) skills.Add(technique);
            if (result.Script is null || result.Errors.Count > 0)
            {
                // Skills are resolved at run time, so a session sample may only fail on its references here.
                logger.LogWarning("Sample {Resource} is not valid and was not loaded: {Errors}", resource,
                    string.Join("; ", result.Errors.Select(e => $"{e.Path}: {e.Message}")));
                continue;
            }
            if (await store.ExistsAsync(result.Script.Id, ct)) continue;
            var kind = result.Script.Kind == ScriptKind.Technique ? "technique" : "session";
            await store.AddVersionAsync(result.Script.Id, kind, result.Script.Name, yaml, YamlJson.ToJson(yaml), findings, caller: null, "sample loaded at first start", ct);
            logger.LogInformation("Loaded sample script {ScriptId}", result.Script.Id);
        }
    }

    private static IEnumerable<(string Resource, string Yaml)> LoadSamples()
    {
        var assembly = typeof(SampleScriptSeeder).Assembly;
        // Techniques first: sessions that call them validate against what is stored.
        foreach (var name in assembly.GetManifestResourceNames()
                     .Where(n => n.StartsWith("samples/", StringComparison.Ordinal))
                     .OrderBy(n => n.Contains("technique", StringComparison.Ordinal) ? 0 : 1).ThenBy(n => n, StringComparer.Ordinal))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            yield return (name, reader.ReadToEnd());
        }
    }

    private sealed class SampleSkills : ISkillResolver
    {
        private readonly Dictionary<string, Script> _skills = new(StringComparer.Ordinal);
        public void Add(Script script) => _skills[script.Id] = script;
        public Script? Resolve(string skillId) => _skills.GetValueOrDefault(skillId);
    }
}
