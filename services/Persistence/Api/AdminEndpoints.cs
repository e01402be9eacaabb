using HeartRule.Infrastructure;
using HeartRule.Localization;
using HeartRule.Persistence.Audit;
using HeartRule.Persistence.Sessions;

namespace HeartRule.Persistence.Api;

/// <summary>/api/admin: for admins only (any other role gets 403 FORBIDDEN). Every admin action is itself audited.</summary>
public static class AdminEndpoints
{
    public static RouteGroupBuilder MapAdmin(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("/admin").WithTags("Admin").RequireCaller(c => c.IsAdmin, "error.adminsOnly");

        admin.MapGet("/audit", async (HttpContext http, string? actor, string? objectType, string? objectId, string? action,
                DateTimeOffset? from, DateTimeOffset? to, int? page, int? pageSize, AuditLog audit, CancellationToken ct) =>
            {
                if (objectType is not null && !AuditLog.ObjectTypes.Contains(objectType))
                    return ApiProblems.Invalid(http, "objectType", LocalText.Of("error.objectType", ("list", string.Join(", ", AuditLog.ObjectTypes))),
                        ApiProblems.OneOf(AuditLog.ObjectTypes), objectType);
                if (from is not null && to is not null && from >= to)
                    return ApiProblems.Invalid(http, "to", LocalText.Of("error.toBeforeFrom"), LocalText.Of("error.expected.afterFrom"), to.Value.ToString("O"));
                var paging = Paging.Resolve(http, page, pageSize);
                if (paging.Problem is { } invalid) return invalid;
                var query = new AuditQuery(actor, objectType, objectId, action, from, to, paging.Page, paging.PageSize);
                var result = await audit.QueryAsync(query, ct);
                // Reading the trail is an admin action too: who looked for what.
                await audit.AppendAsync(new AuditEntry(http.Caller(), AuditLog.Actions.AuditRead, "audit", "audit_log",
                    new { actor, objectType, objectId, action, from, to }), ct);
                return Results.Ok(result);
            })
            .WithSummary("Read the audit log, newest first")
            .WithDescription("Who created, changed, published, shared, deleted or erased which script or session, and every admin action. Filter by actor (user id), objectType (script, session, user, audit) and objectId, action, and time (from inclusive, to exclusive, ISO 8601). Each read is itself recorded (audit.read).")
            .Produces<Paged<AuditEntryView>>().ProducesProblems(400, 403);
        return api;
    }
}
