using HeartRule.Contracts;
using HeartRule.Infrastructure;
using HeartRule.Persistence.Erasure;

namespace HeartRule.Persistence.Api;

/// <summary>
/// Erasure, as opposed to delete: a session's messages, turns, debug records, variable changes and Redis state are
/// removed for good, and only a tombstone (ids and times) stays. A user erases their own sessions or all their data;
/// an admin any user's. Every erasure is audited.
/// </summary>
public static class ErasureEndpoints
{
    public sealed record Erased(string UserId, int ErasedSessions);

    public static RouteGroupBuilder MapErasure(this RouteGroupBuilder api)
    {
        api.MapDelete("/sessions/{id:guid}/data", async (HttpContext http, Guid id, SessionEraser eraser, CancellationToken ct) =>
            {
                var caller = http.Caller();
                // Deleted sessions too: deleting hides a session, erasing removes what it held.
                var owner = await eraser.GetOwnerAsync(id, ct);
                if (owner is null) return ApiProblems.SessionNotFound(http, id);
                if (owner != caller.UserId && !caller.IsAdmin) return ApiProblems.Forbidden(http, id);
                await eraser.EraseSessionAsync(id, caller, owner == caller.UserId ? "user" : "admin", ct);
                return Results.NoContent();
            })
            .WithTags("Erasure")
            .WithSummary("Erase one of my sessions: its transcript, turns, debug records, variables and live state")
            .WithDescription("Also for a session already deleted. Only a tombstone with its ids and times stays. Admins may erase anyone's session.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblems(403, 404);

        api.MapDelete("/me/data", async (HttpContext http, SessionEraser eraser, CancellationToken ct) =>
            {
                var caller = http.Caller();
                return Results.Ok(new Erased(caller.UserId, await eraser.EraseUserAsync(caller.UserId, caller, ct)));
            })
            .WithTags("Erasure")
            .WithSummary("Erase all my data: every session I ever had, and the scripts shared with me")
            .Produces<Erased>();

        api.MapDelete("/admin/users/{userId}/data", async (HttpContext http, string userId, SessionEraser eraser, CancellationToken ct) =>
            {
                var caller = http.Caller();
                if (!caller.IsAdmin) return ApiProblems.AdminsOnly(http);
                return Results.Ok(new Erased(userId, await eraser.EraseUserAsync(userId, caller, ct)));
            })
            .WithTags("Admin")
            .WithSummary("Erase all of a user's data (admins only)")
            .Produces<Erased>().ProducesProblems(403);
        return api;
    }
}
