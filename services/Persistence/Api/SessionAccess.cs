using HeartRule.Localization;
using HeartRule.Persistence.Audit;
using HeartRule.Persistence.Scripts;
using HeartRule.Persistence.Sessions;

namespace HeartRule.Persistence.Api;

/// <summary>A read of a session the caller may make; <see cref="Debug"/> when they may see its debug records.</summary>
public readonly record struct SessionRead(Guid Id, string ScriptId, bool Debug);

/// <summary>
/// Who reads a session through the API (docs/security.md): its owner, and the authors of its script (its creator and
/// the authors it is shared with, while they hold the author or admin role) — read-only, each read audited, as for a
/// watch over the WebSocket. Debug records are for those authors only, whoever owns the session. Anyone else gets
/// 403 FORBIDDEN; a session that does not exist, or was deleted, is 404 SESSION_NOT_FOUND for everyone.
/// </summary>
public sealed class SessionAccess(SessionStore sessions, ScriptStore scripts, AuditLog audit)
{
    /// <param name="part">What is read (detail, messages, variables, turns, export), for the audit log.</param>
    public async Task<(IResult? Problem, SessionRead Read)> AuthorizeAsync(HttpContext http, string id, string part, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var sessionId))
            return (ApiProblems.Invalid(http, "id", LocalText.Of("error.sessionIdNotUuid"), LocalText.Of("error.expected.uuid"), id), default);
        var session = await sessions.GetOwnerAsync(sessionId, ct);
        if (session is null || session.Status == "deleted") return (ApiProblems.SessionNotFound(http, sessionId), default);
        var caller = http.Caller();
        var author = caller.IsAuthorOrAdmin && await scripts.GetOwnersAsync(session.ScriptId, ct) is { } owners
                     && ScriptPermissions.MayObserveSessions(caller, owners);
        if (session.UserId != caller.UserId)
        {
            if (!author) return (ApiProblems.Forbidden(http, sessionId), default);
            await audit.AppendAsync(new AuditEntry(caller, AuditLog.Actions.SessionReview, "session", sessionId.ToString(), new { session.ScriptId, part }), ct);
        }
        return (null, new SessionRead(sessionId, session.ScriptId, author));
    }
}
