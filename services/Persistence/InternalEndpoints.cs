using HeartRule.Infrastructure;
using HeartRule.Persistence.Audit;
using HeartRule.Persistence.Safety;
using HeartRule.Persistence.Scripts;
using HeartRule.Persistence.Sessions;

namespace HeartRule.Persistence;

/// <summary>
/// Service-to-service reads (Sessions, ScriptEngine, Gateway). Not routed by the Gateway, and answered only to a
/// service's own token.
/// </summary>
public static class InternalEndpoints
{
    public static IEndpointRouteBuilder MapInternalEndpoints(this IEndpointRouteBuilder app)
    {
        // Only the services' own tokens (role "service", minted by ServiceTokenIssuer): a user's token, however
        // privileged, and an unauthenticated caller on the cluster network are refused.
        var @internal = app.MapGroup("/internal").RequireAuthorization(AuthenticationExtensions.ServicePolicy);
        var scripts = @internal.MapGroup("/scripts");
        scripts.MapGet("/techniques", async (ScriptStore store, CancellationToken ct) => Results.Ok(await store.GetCurrentTechniquesAsync(ct)));
        // A named version is found even after the script was deleted: sessions running on it must go on (the
        // record says Deleted, so a new session can refuse it); the latest version of a deleted script is not found.
        scripts.MapGet("/{id}", async (string id, int? version, ScriptStore store, CancellationToken ct) =>
            await store.GetAsync(id, version, includeDeleted: version is not null, ct) is { } script ? Results.Ok(script) : Results.NotFound());

        // The version a new session of this user may run (published, or a draft the user owns): Sessions asks it
        // for the user it starts a session for.
        scripts.MapGet("/{id}/startable", async (string id, int? version, string userId, string? roles, ScriptStore store, CancellationToken ct) =>
        {
            return await store.GetStartableAsync(id, version, new Caller(userId, ParseRoles(roles)), ct) is { } script ? Results.Ok(script) : Results.NotFound();
        });

        // Sessions creates sessions without writing rows itself: it reports each creation here, for the audit log.
        @internal.MapPost("/audit/session-created", async (SessionCreated created, AuditLog audit, CancellationToken ct) =>
        {
            await audit.AppendAsync(new AuditEntry(new Caller(created.UserId, ParseRoles(created.Roles)), AuditLog.Actions.SessionCreate,
                "session", created.SessionId.ToString(), new { created.ScriptId, created.ScriptVersion }), ct);
            return Results.NoContent();
        });

        // Sessions reports a counsellor taking a conversation over or handing it back (docs/safety.md).
        @internal.MapPost("/audit/counsellor", async (CounsellorAudit entry, AuditLog audit, CancellationToken ct) =>
        {
            var action = entry.Action switch { "take" => AuditLog.Actions.SessionTakeOver, "release" => AuditLog.Actions.SessionHandBack, _ => null };
            if (action is null) return Results.BadRequest();
            await audit.AppendAsync(new AuditEntry(new Caller(entry.CounsellorId, ParseRoles(entry.Roles)), action, "session", entry.SessionId.ToString()), ct);
            return Results.NoContent();
        });

        var sessions = @internal.MapGroup("/sessions");
        sessions.MapGet("/{id:guid}", async (Guid id, SessionStore store, CancellationToken ct) =>
            await store.GetSnapshotAsync(id, ct) is { } snapshot ? Results.Ok(snapshot) : Results.NotFound());
        sessions.MapGet("/{id:guid}/events", async (Guid id, long? afterSeq, int? limit, SessionStore store, CancellationToken ct) =>
            Results.Ok(await store.GetEventsAsync(id, afterSeq ?? 0, Math.Clamp(limit ?? 500, 1, 5000), ct)));
        // The Sessions service deletes a session (after checking its owner and closing its live state) through this.
        // The actor is the user the Sessions service checked; only a service can say so (this group's policy).
        sessions.MapDelete("/{id:guid}", async (Guid id, string? actor, string? actorRoles, SessionStore store, CancellationToken ct) =>
            await store.DeleteAsync(id, ct, actor is null ? null : new Caller(actor, ParseRoles(actorRoles))) ? Results.NoContent() : Results.NotFound());
        // The Gateway asks here before it lets someone other than the owner watch a session (session.attach): the
        // script's own authors may, read-only. Each watch granted is audited, since it is a read of someone's conversation.
        // Counsellors may watch (and take over) a session the safety net flagged, and only such a one.
        sessions.MapPost("/{id:guid}/observers", async (Guid id, Observer observer, SessionStore store, ScriptStore scripts, FlagStore flags, AuditLog audit,
            CancellationToken ct) =>
        {
            if (await store.GetOwnerAsync(id, ct) is not { Status: not "deleted" } session) return Results.NotFound();
            var caller = new Caller(observer.UserId, ParseRoles(observer.Roles));
            var asAuthor = await scripts.GetOwnersAsync(session.ScriptId, ct) is { } owners && ScriptPermissions.MayObserveSessions(caller, owners);
            if (!asAuthor && !(caller.Roles.Contains(Roles.Counsellor) && await flags.WasFlaggedAsync(id, ct)))
                return Results.StatusCode(StatusCodes.Status403Forbidden);
            await audit.AppendAsync(new AuditEntry(caller, AuditLog.Actions.SessionObserve, "session", id.ToString(),
                new { session.ScriptId, observer.Debug }), ct);
            return Results.NoContent();
        });
        return app;
    }

    public sealed record Observer(string UserId, string? Roles, bool Debug);

    public sealed record CounsellorAudit(Guid SessionId, string CounsellorId, string? Roles, string Action);

    public sealed record SessionCreated(Guid SessionId, string UserId, string? Roles, string ScriptId, int ScriptVersion);

    /// <summary>Roles a service passes on for its user ("author,admin"): the user roles among them, else client.</summary>
    private static HashSet<string> ParseRoles(string? roles)
    {
        var granted = (roles ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Where(Roles.IsUserRole).ToHashSet();
        if (granted.Count == 0) granted.Add(Roles.Client);
        return granted;
    }
}
