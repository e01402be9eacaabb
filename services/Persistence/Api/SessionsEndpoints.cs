using HeartRule.Infrastructure;
using HeartRule.Localization;
using HeartRule.Persistence.Sessions;

namespace HeartRule.Persistence.Api;

/// <summary>
/// /api/sessions reads: a user sees only their own sessions. Another user's session answers 403 FORBIDDEN (the
/// same code the WebSocket gives for it); a session that does not exist, or was deleted, answers 404
/// SESSION_NOT_FOUND. Creating and deleting a session belong to the Sessions service (it runs the first turn and
/// holds the live state), so those two routes are proxied there by the Gateway.
/// </summary>
public static class SessionsEndpoints
{
    public const int DefaultMessageLimit = 100;
    public const int MaxMessageLimit = 500;
    private static readonly string[] Statuses = ["active", "completed", "failed"];
    private static readonly string[] Scopes = ["global", "session", "phase", "topic"];

    public static RouteGroupBuilder MapSessions(this RouteGroupBuilder api)
    {
        var sessions = api.MapGroup("/sessions").WithTags("Sessions");

        sessions.MapGet("/", (HttpContext http, string? status, string? scriptId, int? page, int? pageSize, SessionStore store, CancellationToken ct) =>
                ListAsync(http, status, scriptId, page, pageSize, store, ct))
            .WithSummary("List my sessions, newest first")
            .WithDescription("Filter by status (active, completed, failed) and by scriptId. Deleted sessions are never listed.")
            .Produces<Paged<SessionSummary>>().ProducesProblems(400);

        sessions.MapGet("/{id}", async (HttpContext http, string id, bool? includeEngineState, SessionStore store, CancellationToken ct) =>
            {
                var (problem, sessionId) = await AuthorizeAsync(http, id, store, ct);
                if (problem is not null) return problem;
                var detail = await store.GetDetailAsync(sessionId, includeEngineState ?? false, http.Locale(), ct);
                return detail is null ? ApiProblems.SessionNotFound(http, sessionId) : Results.Ok(detail);
            })
            .WithSummary("Get one of my sessions: status, position, variables by scope, last error")
            .Produces<SessionDetail>().ProducesProblems(400, 403, 404);

        sessions.MapGet("/{id}/messages", async (HttpContext http, string id, long? afterSeq, int? limit, SessionStore store, CancellationToken ct) =>
            {
                if (afterSeq is < 0) return ApiProblems.Invalid(http, "afterSeq", LocalText.Of("error.afterSeq"), ApiProblems.IntegerFrom(0), afterSeq.ToString());
                if (limit is < 1 or > MaxMessageLimit)
                    return ApiProblems.Invalid(http, "limit", LocalText.Of("error.fieldRange", ("field", "limit"), ("min", 1), ("max", MaxMessageLimit)),
                        ApiProblems.IntegerRange(1, MaxMessageLimit), limit.ToString());
                var (problem, sessionId) = await AuthorizeAsync(http, id, store, ct);
                if (problem is not null) return problem;
                return Results.Ok(await store.GetMessagesAsync(sessionId, afterSeq ?? 0, limit ?? DefaultMessageLimit, ct));
            })
            .WithSummary("Read a session's transcript in order")
            .WithDescription("Pages by sequence number: pass the page's nextAfterSeq as afterSeq to read on; hasMore says whether anything follows.")
            .Produces<MessagePage>().ProducesProblems(400, 403, 404);

        sessions.MapGet("/{id}/variables/history", async (HttpContext http, string id, string? name, string? scope, int? page, int? pageSize, SessionStore store, CancellationToken ct) =>
            {
                if (scope is not null && !Scopes.Contains(scope))
                    return ApiProblems.Invalid(http, "scope", LocalText.Of("error.fieldOneOf", ("field", "scope"), ("list", string.Join(", ", Scopes))), ApiProblems.OneOf(Scopes), scope);
                var paging = Paging.Resolve(http, page, pageSize);
                if (paging.Problem is { } invalid) return invalid;
                var (problem, sessionId) = await AuthorizeAsync(http, id, store, ct);
                if (problem is not null) return problem;
                return Results.Ok(await store.GetVariableHistoryAsync(sessionId, name, scope, paging.Page, paging.PageSize, ct));
            })
            .WithSummary("Every change of a session's variables, in order")
            .WithDescription("Optionally for one variable (name) or one scope.")
            .Produces<Paged<VariableChangeView>>().ProducesProblems(400, 403, 404);

        return api;
    }

    private static async Task<IResult> ListAsync(HttpContext http, string? status, string? scriptId, int? page, int? pageSize, SessionStore store, CancellationToken ct)
    {
        if (status is not null && !Statuses.Contains(status))
            return ApiProblems.Invalid(http, "status", LocalText.Of("error.fieldOneOf", ("field", "status"), ("list", string.Join(", ", Statuses))), ApiProblems.OneOf(Statuses), status);
        var paging = Paging.Resolve(http, page, pageSize);
        if (paging.Problem is { } invalid) return invalid;
        return Results.Ok(await store.ListAsync(http.User.GetUserId()!, status, scriptId, paging.Page, paging.PageSize, ct));
    }

    /// <summary>The ownership check every session read starts with: null problem when the caller owns a live session.</summary>
    private static async Task<(IResult? Problem, Guid Id)> AuthorizeAsync(HttpContext http, string id, SessionStore store, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var sessionId))
            return (ApiProblems.Invalid(http, "id", LocalText.Of("error.sessionIdNotUuid"), LocalText.Of("error.expected.uuid"), id), default);
        var owner = await store.GetOwnerAsync(sessionId, ct);
        if (owner is null || owner.Status == "deleted") return (ApiProblems.SessionNotFound(http, sessionId), sessionId);
        if (owner.UserId != http.User.GetUserId()) return (ApiProblems.Forbidden(http, sessionId), sessionId);
        return (null, sessionId);
    }
}
