using HeartRule.Contracts;
using MassTransit;

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
