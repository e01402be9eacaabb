using HeartRule.Contracts;
using HeartRule.Infrastructure;
using MassTransit;
using StackExchange.Redis;

namespace HeartRule.Sessions;

public sealed class StartSessionConsumer(TurnProcessor processor, ILogger<StartSessionConsumer> logger) : IConsumer<StartSession>
{
    public async Task Consume(ConsumeContext<StartSession> context)
    {
        using var scope = logger.BeginScope("sessionId:{sessionId} messageId:{messageId}", context.Message.SessionId, context.MessageId);
        await processor.StartAsync(context.Message, context.CancellationToken);
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
