using HeartRule.Contracts;
using HeartRule.Infrastructure;
using HeartRule.Localization;
using HeartRule.Persistence.Safety;
using HeartRule.Persistence.Sessions;

namespace HeartRule.Persistence.Api;

/// <summary>/api/safety: the queue of sessions the safety net flagged, for counsellors and admins (anyone else gets 403 FORBIDDEN).</summary>
public static class SafetyEndpoints
{
    public static RouteGroupBuilder MapSafety(this RouteGroupBuilder api)
    {
        var safety = api.MapGroup("/safety").WithTags("Safety").RequireCaller(c => c.IsCounsellorOrAdmin, "error.counsellorsOnly");

        safety.MapGet("/flags", async (HttpContext http, string? status, int? page, int? pageSize, FlagStore flags, CancellationToken ct) =>
            {
                status ??= "open";
                if (!FlagStore.Statuses.Contains(status))
                    return ApiProblems.Invalid(http, "status", LocalText.Of("error.fieldOneOf", ("field", "status"), ("list", string.Join(", ", FlagStore.Statuses))),
                        ApiProblems.OneOf(FlagStore.Statuses), status);
                var paging = Paging.Resolve(http, page, pageSize);
                if (paging.Problem is { } invalid) return invalid;
                return Results.Ok(await flags.ListAsync(status, paging.Page, paging.PageSize, ct));
            })
            .WithSummary("The flagged sessions: open ones most severe first, then the longest waiting")
            .WithDescription("status: open (default), resolved or all. Each flag names its session, the turn's seq, the risk level (high, imminent), the reason, the lexicon rules that matched and the ids of the messages that raised it, never their words.")
            .Produces<Paged<FlagView>>().ProducesProblems(400, 403);

        safety.MapPost("/flags/{sessionId:guid}/{seq:long}/resolve", async (HttpContext http, Guid sessionId, long seq, FlagStore flags, CancellationToken ct) =>
                await flags.ResolveAsync(sessionId, seq, http.Caller(), ct)
                    ? Results.NoContent()
                    : Problems.Result(http, ErrorCodes.NotFound, LocalText.Of("error.noOpenFlag", ("session", sessionId), ("seq", seq)), sessionId: sessionId))
            .WithSummary("Mark a flag handled")
            .WithDescription("The flag leaves the open queue; who resolved it and when are kept, and the resolution is audited (flag.resolve). The session's script stays suspended until it is handed back.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblems(403, 404);
        return api;
    }
}
