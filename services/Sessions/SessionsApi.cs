using System.Text.Json;
using HeartRule.Contracts;
using HeartRule.Infrastructure;

namespace HeartRule.Sessions;

/// <summary>
/// POST /api/sessions (through the Gateway): creates a session and answers with its first messages, since
/// creating a session means running its first turn — which is this service's job.
/// </summary>
public static class SessionsApi
{
    public static IEndpointRouteBuilder MapSessionsApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/sessions").RequireAuthorization().MapPost("/", CreateAsync);
        return app;
    }

    public sealed record CreateSessionRequest(string? ScriptId, int? Version, Dictionary<string, JsonElement>? InitialVariables);

    private static async Task<IResult> CreateAsync(CreateSessionRequest request, HttpContext http, TurnProcessor processor, SessionOwners owners, TimeProvider time, CancellationToken ct)
    {
        var userId = http.User.GetUserId()!;
        if (string.IsNullOrWhiteSpace(request.ScriptId))
            return Problems.Result(http, ErrorCodes.ValidationFailed, "\"scriptId\" is required.");
        var sessionId = Guid.NewGuid();
        await owners.RecordAsync(sessionId, userId);
        var outcome = await processor.StartAsync(new StartSession
        {
            SessionId = sessionId, UserId = userId, ScriptId = request.ScriptId, ScriptVersion = request.Version,
            InitialVariables = request.InitialVariables, RequestedAt = time.GetUtcNow(),
        }, ct);
        if (outcome.Turn is not { } turn)
            return Problems.Result(http, outcome.Error!.Code, outcome.Error.Message, request.ScriptId, sessionId);

        return Results.Created($"/api/sessions/{sessionId}", new
        {
            sessionId,
            scriptId = turn.ScriptId,
            scriptVersion = turn.ScriptVersion,
            status = turn.SessionStatus,
            executionStatus = turn.Summary.ExecutionStatus,
            position = turn.Summary.Position,
            variables = turn.Summary.Variables,
            lastSeq = turn.Summary.Seq,
            messages = turn.Messages.Select(m => new { m.Seq, m.MessageId, m.Role, m.Content, m.ActionId, m.Metadata, m.Timestamp }),
            error = turn.Summary.Error,
        });
    }
}
