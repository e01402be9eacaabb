using System.Globalization;
using System.Net;
using HeartRule.Contracts;
using HeartRule.Infrastructure;

namespace HeartRule.Sessions;

/// <summary>Reads from the Persistence service: which script version to run, and sessions this service no longer holds.</summary>
public sealed class PersistenceClient(HttpClient http)
{
    /// <summary>
    /// The version a new session of this user runs: the script's current one, or the one named if it is published —
    /// or, for the script's owners and admins, a draft. Null when there is none the user may start.
    /// </summary>
    public async Task<ScriptInfo?> GetStartableScriptAsync(StartSession command, CancellationToken ct)
    {
        var query = QueryString.Create([
            new("userId", command.UserId),
            new("roles", string.Join(',', command.Roles ?? [])),
            .. command.ScriptVersion is { } v ? [new KeyValuePair<string, string?>("version", v.ToString(CultureInfo.InvariantCulture))] : Array.Empty<KeyValuePair<string, string?>>(),
        ]);
        using var response = await http.GetAsync($"/internal/scripts/{Uri.EscapeDataString(command.ScriptId)}/startable{query}", ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<ScriptInfo>(ct);
    }

    /// <summary>Records in the audit log that a user created a session (this service writes no rows itself).</summary>
    public async Task AuditSessionCreatedAsync(TurnCompleted first, IReadOnlyList<string>? roles, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("/internal/audit/session-created", new
        {
            first.SessionId, first.UserId, Roles = string.Join(',', roles ?? []), first.ScriptId, first.ScriptVersion,
        }, ct);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>A counsellor took a conversation over or handed it back: the audit log's entry.</summary>
    public async Task AuditCounsellorAsync(CounsellorCommand command, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("/internal/audit/counsellor", new
        {
            command.SessionId, command.CounsellorId, Roles = string.Join(',', command.Roles ?? []), command.Action,
        }, ct);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Marks the stored session deleted; false when there is no stored row (yet).</summary>
    /// <param name="actor">The user who asked (recorded in the audit log), and their roles.</param>
    public async Task<bool> DeleteSessionAsync(Guid sessionId, Caller actor, CancellationToken ct)
    {
        var query = QueryString.Create([new KeyValuePair<string, string?>("actor", actor.UserId), new("actorRoles", string.Join(',', actor.Roles))]);
        using var response = await http.DeleteAsync($"/internal/sessions/{sessionId}{query}", ct);
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
