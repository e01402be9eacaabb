using System.Collections.Concurrent;
using HeartRule.Engine;

namespace HeartRule.ScriptEngine;

/// <summary>
/// Scripts come from the Persistence service. A script version is immutable, so a loaded one is kept for
/// the life of the process; the list of techniques (skills) is refreshed now and then, as new ones appear.
/// </summary>
public sealed class ScriptCatalog(HttpClient http, ILogger<ScriptCatalog> logger) : ISkillResolver
{
    private static readonly TimeSpan TechniquesTtl = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<(string Id, int Version), Script> _scripts = new();
    private volatile IReadOnlyDictionary<string, Script> _techniques = new Dictionary<string, Script>();
    private DateTimeOffset _techniquesLoadedAt = DateTimeOffset.MinValue;
    private readonly SemaphoreSlim _techniquesLock = new(1, 1);

    public async Task<Script?> GetAsync(string id, int version, CancellationToken ct)
    {
        if (_scripts.TryGetValue((id, version), out var cached)) return cached;
        await RefreshTechniquesAsync(ct);
        using var response = await http.GetAsync($"/internal/scripts/{Uri.EscapeDataString(id)}?version={version}", ct);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        var record = await response.Content.ReadFromJsonAsync<ScriptRecord>(ct) ?? throw new InvalidOperationException("Empty script record.");
        var loaded = ScriptLoader.Load(record.Yaml, this);
        if (loaded.Script is null)
            throw new InvalidOperationException($"Stored script {id} v{version} does not load: {string.Join("; ", loaded.Errors.Select(e => e.Message))}");
        return _scripts.GetOrAdd((id, version), loaded.Script);
    }

    public Script? Resolve(string skillId) => _techniques.GetValueOrDefault(skillId);

    private async Task RefreshTechniquesAsync(CancellationToken ct)
    {
        if (DateTimeOffset.UtcNow - _techniquesLoadedAt < TechniquesTtl) return;
        await _techniquesLock.WaitAsync(ct);
        try
        {
            if (DateTimeOffset.UtcNow - _techniquesLoadedAt < TechniquesTtl) return;
            var records = await http.GetFromJsonAsync<List<ScriptRecord>>("/internal/scripts/techniques", ct) ?? [];
            var techniques = new Dictionary<string, Script>(StringComparer.Ordinal);
            foreach (var record in records)
            {
                var loaded = ScriptLoader.Load(record.Yaml);
                if (loaded.Script is not null) techniques[loaded.Script.Id] = loaded.Script;
                else logger.LogWarning("Technique {ScriptId} v{Version} does not load", record.ScriptId, record.Version);
            }
            _techniques = techniques;
            _techniquesLoadedAt = DateTimeOffset.UtcNow;
        }
        finally
        {
            _techniquesLock.Release();
        }
    }

    private sealed record ScriptRecord(string ScriptId, int Version, string Yaml);
}
