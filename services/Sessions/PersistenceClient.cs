using System.Net;

namespace HeartRule.Sessions;

/// <summary>Reads from the Persistence service: which script version to run, and sessions this service no longer holds.</summary>
public sealed class PersistenceClient(HttpClient http)
{
    public async Task<ScriptInfo?> GetScriptAsync(string scriptId, int? version, CancellationToken ct)
    {
        var url = $"/internal/scripts/{Uri.EscapeDataString(scriptId)}" + (version is { } v ? $"?version={v}" : "");
        using var response = await http.GetAsync(url, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<ScriptInfo>(ct);
    }

    /// <summary>Marks the stored session deleted; false when there is no stored row (yet).</summary>
    public async Task<bool> DeleteSessionAsync(Guid sessionId, CancellationToken ct)
    {
        using var response = await http.DeleteAsync($"/internal/sessions/{sessionId}", ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        response.EnsureSuccessStatusCode();
        return true;
    }

    public async Task<SessionSnapshot?> GetSessionAsync(Guid sessionId, CancellationToken ct)
    {
        using var response = await http.GetAsync($"/internal/sessions/{sessionId}", ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<SessionSnapshot>(ct);
    }
}

/// <param name="Deleted">Deleted scripts still serve the sessions already running on them, but start no new ones.</param>
public sealed record ScriptInfo(string ScriptId, string Kind, int Version, bool Deleted);

public sealed record SessionSnapshot(
    Guid SessionId, string UserId, string ScriptId, int ScriptVersion, string Status, string ExecutionStatus,
    string StateJson, long Version, long LastSeq, int Turn);
