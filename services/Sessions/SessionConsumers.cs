using HeartRule.Contracts;
using HeartRule.Infrastructure;
using MassTransit;
using StackExchange.Redis;

namespace HeartRule.Sessions;

public sealed class StartSessionConsumer(TurnProcessor processor, PersistenceClient persistence, ILogger<StartSessionConsumer> logger) : IConsumer<StartSession>
{
    public async Task Consume(ConsumeContext<StartSession> context)
    {
        using var scope = logger.BeginScope("sessionId:{sessionId} messageId:{messageId}", context.Message.SessionId, context.MessageId);
        var outcome = await processor.StartAsync(context.Message, context.CancellationToken);
        await SessionCreationAudit.RecordAsync(persistence, outcome, context.Message.Roles, logger, context.CancellationToken);
    }
}

public static class SessionCreationAudit
{
    /// <summary>
    /// After the first turn is committed: the audit log's entry for the new session. A failure to record it is
    /// logged, not fatal — the session exists, and its first stored turn names its user and script.
    /// </summary>
    public static async Task RecordAsync(PersistenceClient persistence, StartOutcome outcome, IReadOnlyList<string>? roles, ILogger logger, CancellationToken ct)
    {
        if (outcome.Turn is not { Turn: 0 } first) return;
        try
        {
            await persistence.AuditSessionCreatedAsync(first, roles, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            logger.LogWarning(ex, "The creation of session {SessionId} could not be recorded in the audit log", first.SessionId);
        }
    }
}

public sealed class SubmitInputConsumer(TurnProcessor processor, ILogger<SubmitInputConsumer> logger) : IConsumer<SubmitInput>
{
    public async Task Consume(ConsumeContext<SubmitInput> context)
    {
        using var scope = logger.BeginScope("sessionId:{sessionId} messageId:{messageId} clientMessageId:{clientMessageId}",
            context.Message.SessionId, context.MessageId, context.Message.ClientMessageId);
        await processor.SubmitAsync(context.Message, context.GetRetryAttempt(), context.CancellationToken);
    }
}

public sealed class CounsellorCommandConsumer(TurnProcessor processor, PersistenceClient persistence, ILogger<CounsellorCommandConsumer> logger)
    : IConsumer<CounsellorCommand>
{
    public async Task Consume(ConsumeContext<CounsellorCommand> context)
    {
        var command = context.Message;
        using var scope = logger.BeginScope("sessionId:{sessionId} messageId:{messageId}", command.SessionId, context.MessageId);
        if (!await processor.CounsellorAsync(command, context.GetRetryAttempt(), context.CancellationToken) || command.Action == CounsellorActions.Say) return;
        try
        {
            await persistence.AuditCounsellorAsync(command, context.CancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            // As for a session's creation: the change stands, and the transcript shows it (the notice every device saw).
            logger.LogWarning(ex, "Counsellor {CounsellorId}'s {Action} of session {SessionId} could not be recorded in the audit log",
                command.CounsellorId, command.Action, command.SessionId);
        }
    }
}

/// <summary>
/// Drops an erased session's Redis state. The hot record is marked deleted first, so a turn running at this moment
/// fails its compare-and-set rather than committing; the record then reloads from the database's tombstone, which
/// refuses every input.
/// </summary>
public sealed class SessionErasedConsumer(TurnProcessor processor, IConnectionMultiplexer redis, ILogger<SessionErasedConsumer> logger) : IConsumer<SessionErased>
{
    public async Task Consume(ConsumeContext<SessionErased> context)
    {
        var sessionId = context.Message.SessionId;
        await processor.MarkDeletedAsync(sessionId);
        var removed = await redis.GetDatabase().KeyDeleteAsync(SessionKeys.All(sessionId));
        logger.LogInformation("Session {SessionId} erased: {Keys} Redis key(s) removed", sessionId, removed);
    }
}
