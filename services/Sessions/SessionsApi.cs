using System.Text.Json;
using HeartRule.Contracts;
using HeartRule.Infrastructure;
using HeartRule.Localization;

namespace HeartRule.Sessions;

/// <summary>
/// POST /api/sessions (through the Gateway): creates a session and answers with its first messages, since
/// creating a session means running its first turn — which is this service's job.
/// </summary>
public static class SessionsApi
{
    public static IEndpointRouteBuilder MapSessionsApi(this IEndpointRouteBuilder app)
    {
        var sessions = app.MapGroup("/api/sessions").RequireAuthorization();
        sessions.MapPost("/", CreateAsync);
        sessions.MapDelete("/{id:guid}", DeleteAsync);
        return app;
    }

    /// <summary>
    /// Soft delete: the hot record refuses further input first, then the stored row is marked. The stored row may
    /// not exist for a moment after creation (its first turn is still being written), so that step is retried.
    /// </summary>
    private static async Task<IResult> DeleteAsync(
        Guid id, HttpContext http, TurnProcessor processor, SessionOwners owners, PersistenceClient persistence, RoleReader roles, CancellationToken ct)
    {
        var userId = http.User.GetUserId()!;
        var owner = await owners.GetAsync(id) ?? (await persistence.GetSessionAsync(id, ct))?.UserId;
        if (owner is null) return Problems.Result(http, ErrorCodes.SessionNotFound, LocalText.Of("error.noSession", ("session", id)), sessionId: id);
        if (owner != userId) return Problems.Result(http, ErrorCodes.Forbidden, LocalText.Of("error.otherUsersSession"), sessionId: id);

        await processor.MarkDeletedAsync(id);
        for (var attempt = 0; !await persistence.DeleteSessionAsync(id, roles.CallerOf(http.User)!, ct); attempt++)
        {
            if (attempt == 50) return Problems.Result(http, ErrorCodes.SessionNotFound, LocalText.Of("error.sessionNotStoredYet", ("session", id)), sessionId: id);
            await Task.Delay(100, ct);
        }
        return Results.NoContent();
    }

    /// <param name="Locale">The session's language (a BCP 47 tag); by default the script's <c>metadata.language</c>, else English.</param>
    public sealed record CreateSessionRequest(string? ScriptId, int? Version, Dictionary<string, JsonElement>? InitialVariables, string? Locale = null);

    private static async Task<IResult> CreateAsync(
        CreateSessionRequest request, HttpContext http, TurnProcessor processor, SessionOwners owners, RoleReader roles, PersistenceClient persistence,
        ILogger<CreateSessionRequest> logger, TimeProvider time, CancellationToken ct)
    {
        var userId = http.User.GetUserId()!;
        if (string.IsNullOrWhiteSpace(request.ScriptId))
            return Problems.Result(http, ErrorCodes.ValidationFailed, LocalText.Of("error.fieldRequired", ("field", "scriptId")));
        string? locale = null;
        if (request.Locale is not null && !HeartRule.Localization.Locale.TryNormalize(request.Locale, out locale))
            return Problems.Result(http, ErrorCodes.ValidationFailed, LocalText.Of("error.notALocale", ("field", "locale"), ("value", request.Locale)),
                errors: [LocaleIssue(http, request.Locale)]);
        var sessionId = Guid.NewGuid();
        await owners.RecordAsync(sessionId, userId);
        var command = new StartSession
        {
            SessionId = sessionId, UserId = userId, ScriptId = request.ScriptId, ScriptVersion = request.Version,
            InitialVariables = request.InitialVariables, RequestedAt = time.GetUtcNow(),
            Roles = [.. roles.CallerOf(http.User)!.Roles], Locale = locale, ClientLocale = http.Locale(),
        };
        var outcome = await processor.StartAsync(command, ct);
        await SessionCreationAudit.RecordAsync(persistence, outcome, command.Roles, logger, ct);
        if (outcome.Turn is not { } turn)
            return Problems.Result(http, outcome.Error!, request.ScriptId, sessionId);

        return Results.Created($"/api/sessions/{sessionId}", new
        {
            sessionId,
            scriptId = turn.ScriptId,
            scriptVersion = turn.ScriptVersion,
            locale = turn.Locale,
            status = turn.SessionStatus,
            executionStatus = turn.Summary.ExecutionStatus,
            position = turn.Summary.Position,
            variables = turn.Summary.Variables,
            lastSeq = turn.Summary.Seq,
            messages = turn.Messages.Select(m => new { m.Seq, m.MessageId, m.Role, m.Content, m.ActionId, m.Metadata, m.Timestamp }),
            error = turn.Summary.Error,
        });
    }

    private static ProblemIssue LocaleIssue(HttpContext http, string value)
    {
        var locale = http.Locale();
        return new ProblemIssue("locale", null, null, "constraint", Catalogue.Get(locale, "error.notALocale", ("field", "locale"), ("value", value)),
            Catalogue.Get(locale, "validation.expected.languageTag"), value, HeartRule.Localization.Locale.Correction(value).In(locale));
    }
}
