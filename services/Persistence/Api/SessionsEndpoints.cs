using HeartRule.Contracts;
using HeartRule.Infrastructure;
using HeartRule.Localization;
using HeartRule.Persistence.Scripts;
using HeartRule.Persistence.Sessions;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace HeartRule.Persistence.Api;

/// <summary>
/// /api/sessions reads: a user sees their own sessions, and the authors of a script review the sessions on it
/// (<see cref="SessionAccess"/>). Creating and deleting a session belong to the Sessions service (it runs the first
/// turn and holds the live state), so those two routes are proxied there by the Gateway.
/// </summary>
public static class SessionsEndpoints
{
    public const int DefaultMessageLimit = 100;
    public const int MaxMessageLimit = 500;
    private static readonly string[] Statuses = ["active", "completed", "failed"];
    private static readonly string[] Scopes = ["global", "session", "phase", "topic"];
    private static readonly string[] ListScopes = ["mine", "myScripts"];

    public static RouteGroupBuilder MapSessions(this RouteGroupBuilder api)
    {
        var sessions = api.MapGroup("/sessions").WithTags("Sessions");

        sessions.MapGet("/", (HttpContext http, string? scope, string? status, string? scriptId, int? page, int? pageSize, SessionStore store, ScriptStore scripts,
                CancellationToken ct) => ListAsync(http, scope, status, scriptId, page, pageSize, store, scripts, ct))
            .WithSummary("List my sessions, or the sessions on my scripts, newest first")
            .WithDescription("scope=mine (the default): my own sessions. scope=myScripts (authors and admins): everyone's sessions on the scripts I created or that were shared with me, or on one of them (scriptId). Filter by status (active, completed, failed) and by scriptId. Deleted sessions are never listed.")
            .Produces<Paged<SessionSummary>>().ProducesProblems(400, 403, 404);

        sessions.MapGet("/{id}", async (HttpContext http, string id, bool? includeEngineState, SessionAccess access, SessionStore store, CancellationToken ct) =>
            {
                var (problem, read) = await access.AuthorizeAsync(http, id, "detail", ct);
                if (problem is not null) return problem;
                var detail = await store.GetDetailAsync(read.Id, includeEngineState ?? false, http.Locale(), ct);
                return detail is null ? ApiProblems.SessionNotFound(http, read.Id) : Results.Ok(detail);
            })
            .WithSummary("Get a session: status, position, variables by scope, last error")
            .WithDescription("My own sessions, and (read-only, audited) the sessions on scripts I author.")
            .Produces<SessionDetail>().ProducesProblems(400, 403, 404);

        sessions.MapGet("/{id}/messages", async (HttpContext http, string id, long? afterSeq, int? limit, SessionAccess access, SessionStore store, CancellationToken ct) =>
            {
                if (afterSeq is < 0) return ApiProblems.Invalid(http, "afterSeq", LocalText.Of("error.afterSeq"), ApiProblems.IntegerFrom(0), afterSeq.ToString());
                if (limit is < 1 or > MaxMessageLimit)
                    return ApiProblems.Invalid(http, "limit", LocalText.Of("error.fieldRange", ("field", "limit"), ("min", 1), ("max", MaxMessageLimit)),
                        ApiProblems.IntegerRange(1, MaxMessageLimit), limit.ToString());
                var (problem, read) = await access.AuthorizeAsync(http, id, "messages", ct);
                if (problem is not null) return problem;
                return Results.Ok(await store.GetMessagesAsync(read.Id, afterSeq ?? 0, limit ?? DefaultMessageLimit, ct));
            })
            .WithSummary("Read a session's transcript in order")
            .WithDescription("Pages by sequence number: pass the page's nextAfterSeq as afterSeq to read on; hasMore says whether anything follows.")
            .Produces<MessagePage>().ProducesProblems(400, 403, 404);

        sessions.MapGet("/{id}/variables/history", async (HttpContext http, string id, string? name, string? scope, int? page, int? pageSize, SessionAccess access,
                SessionStore store, CancellationToken ct) =>
            {
                if (scope is not null && !Scopes.Contains(scope))
                    return ApiProblems.Invalid(http, "scope", LocalText.Of("error.fieldOneOf", ("field", "scope"), ("list", string.Join(", ", Scopes))), ApiProblems.OneOf(Scopes), scope);
                var paging = Paging.Resolve(http, page, pageSize);
                if (paging.Problem is { } invalid) return invalid;
                var (problem, read) = await access.AuthorizeAsync(http, id, "variables", ct);
                if (problem is not null) return problem;
                return Results.Ok(await store.GetVariableHistoryAsync(read.Id, name, scope, paging.Page, paging.PageSize, ct));
            })
            .WithSummary("Every change of a session's variables, in order")
            .WithDescription("Optionally for one variable (name) or one scope.")
            .Produces<Paged<VariableChangeView>>().ProducesProblems(400, 403, 404);

        sessions.MapGet("/{id}/turns", async (HttpContext http, string id, int? page, int? pageSize, SessionAccess access, SessionStore store, CancellationToken ct) =>
            {
                var paging = Paging.Resolve(http, page, pageSize);
                if (paging.Problem is { } invalid) return invalid;
                var (problem, read) = await access.AuthorizeAsync(http, id, "turns", ct);
                if (problem is not null) return problem;
                return Results.Ok(await store.GetTurnsAsync(read.Id, read.ScriptId, read.Debug, http.Locale(), paging.Page, paging.PageSize, ct));
            })
            .WithSummary("A session's turns in order: position, changed variables, error, and debug records for the script's authors")
            .WithDescription("debug (the turn's LLM calls and variables) is null except for the authors of the session's script.")
            .Produces<Paged<TurnView>>().ProducesProblems(400, 403, 404);

        sessions.MapGet("/{id}/export", async (HttpContext http, string id, SessionAccess access, SessionExporter exporter, IOptions<HttpJsonOptions> json, CancellationToken ct) =>
            {
                var (problem, read) = await access.AuthorizeAsync(http, id, "export", ct);
                if (problem is not null) return problem;
                var locale = http.Locale();
                return Results.Stream(body => exporter.WriteAsync(body, read.Id, read.ScriptId, read.Debug, locale, json.Value.SerializerOptions, ct),
                    "application/json", $"session-{read.Id}.json");
            })
            .WithSummary("A whole session as one JSON document: the session, its transcript, variable history and turns")
            .WithDescription("Served as a download (Content-Disposition: attachment), read in one snapshot. The turns carry their debug records only for the authors of the session's script (includesDebug says which).")
            .Produces<SessionExport>().ProducesProblems(400, 403, 404);

        return api;
    }

    private static async Task<IResult> ListAsync(
        HttpContext http, string? scope, string? status, string? scriptId, int? page, int? pageSize, SessionStore store, ScriptStore scripts, CancellationToken ct)
    {
        if (scope is not null && !ListScopes.Contains(scope))
            return ApiProblems.Invalid(http, "scope", LocalText.Of("error.fieldOneOf", ("field", "scope"), ("list", string.Join(", ", ListScopes))), ApiProblems.OneOf(ListScopes), scope);
        if (status is not null && !Statuses.Contains(status))
            return ApiProblems.Invalid(http, "status", LocalText.Of("error.fieldOneOf", ("field", "status"), ("list", string.Join(", ", Statuses))), ApiProblems.OneOf(Statuses), status);
        var paging = Paging.Resolve(http, page, pageSize);
        if (paging.Problem is { } invalid) return invalid;
        var caller = http.Caller();
        var onMyScripts = scope == "myScripts";
        if (onMyScripts && !caller.IsAuthorOrAdmin) return Problems.Result(http, ErrorCodes.Forbidden, LocalText.Of("error.reviewRoles"));
        if (onMyScripts && scriptId is not null)
        {
            if (await scripts.GetOwnersAsync(scriptId, ct) is not { } owners) return ApiProblems.ScriptNotFound(http, scriptId);
            if (!ScriptPermissions.MayObserveSessions(caller, owners))
                return ApiProblems.ScriptForbidden(http, scriptId, LocalText.Of("error.notScriptAuthor", ("script", scriptId)));
        }
        return Results.Ok(await store.ListAsync(caller.UserId, onMyScripts, status, scriptId, paging.Page, paging.PageSize, ct));
    }
}
