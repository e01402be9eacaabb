namespace HeartRule.Engine;

/// <summary>Finds technique scripts (root key <c>topic:</c>) by their topic_id.</summary>
public interface ISkillResolver
{
    Script? Resolve(string skillId);
}

/// <summary>Resolves skills from already-loaded technique scripts.</summary>
public sealed class InMemorySkillResolver : ISkillResolver
{
    private readonly Dictionary<string, Script> _skills = new(StringComparer.Ordinal);

    public InMemorySkillResolver(IEnumerable<Script> techniques)
    {
        foreach (var t in techniques)
        {
            if (t.Kind != ScriptKind.Technique) throw new ArgumentException($"'{t.Id}' is a session script, not a technique", nameof(techniques));
            _skills[t.Id] = t;
        }
    }

    public Script? Resolve(string skillId) => _skills.GetValueOrDefault(skillId);

    /// <summary>Loads every <c>*.yaml</c>/<c>*.yml</c> technique in a folder; invalid files are reported, not thrown.</summary>
    public static InMemorySkillResolver FromDirectory(string directory, out IReadOnlyList<(string File, ScriptIssue Issue)> problems)
    {
        var scripts = new List<Script>();
        var found = new List<(string, ScriptIssue)>();
        if (Directory.Exists(directory))
        {
            foreach (var file in Directory.EnumerateFiles(directory).Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal))
            {
                var result = ScriptLoader.Load(File.ReadAllText(file));
                found.AddRange(result.Errors.Select(e => (file, e)));
                if (result.Script is { Kind: ScriptKind.Technique } s) scripts.Add(s);
            }
        }
        problems = found;
        return new InMemorySkillResolver(scripts);
    }
}
