using HeartRule.Persistence.Scripts;
using HeartRule.Persistence.Sessions;

namespace HeartRule.Persistence;

/// <summary>
/// Service-to-service reads (Sessions, ScriptEngine, Gateway). Not routed by the Gateway, so not reachable
/// from outside the cluster network.
/// </summary>
public static class InternalEndpoints
{
    public static IEndpointRouteBuilder MapInternalEndpoints(this IEndpointRouteBuilder app)
    {
        var scripts = app.MapGroup("/internal/scripts");
        scripts.MapGet("/techniques", async (ScriptStore store, CancellationToken ct) => Results.Ok(await store.GetLatestTechniquesAsync(ct)));
        // A named version is found even after the script was deleted: sessions running on it must go on (the
        // record says Deleted, so a new session can refuse it); the latest version of a deleted script is not found.
        scripts.MapGet("/{id}", async (string id, int? version, ScriptStore store, CancellationToken ct) =>
            await store.GetAsync(id, version, includeDeleted: version is not null, ct) is { } script ? Results.Ok(script) : Results.NotFound());

        var sessions = app.MapGroup("/internal/sessions");
        sessions.MapGet("/{id:guid}", async (Guid id, SessionStore store, CancellationToken ct) =>
            await store.GetSnapshotAsync(id, ct) is { } snapshot ? Results.Ok(snapshot) : Results.NotFound());
        sessions.MapGet("/{id:guid}/events", async (Guid id, long? afterSeq, int? limit, SessionStore store, CancellationToken ct) =>
            Results.Ok(await store.GetEventsAsync(id, afterSeq ?? 0, Math.Clamp(limit ?? 500, 1, 5000), ct)));
        // The Sessions service deletes a session (after checking its owner and closing its live state) through this.
        sessions.MapDelete("/{id:guid}", async (Guid id, SessionStore store, CancellationToken ct) =>
            await store.DeleteAsync(id, ct) ? Results.NoContent() : Results.NotFound());
        return app;
    }
}
