using HeartRule.Contracts;
using MassTransit;

namespace HeartRule.Sessions;

public sealed class StartSessionConsumer(TurnProcessor processor) : IConsumer<StartSession>
{
    public Task Consume(ConsumeContext<StartSession> context) => processor.StartAsync(context.Message, context.CancellationToken);
}

public sealed class SubmitInputConsumer(TurnProcessor processor) : IConsumer<SubmitInput>
{
    public Task Consume(ConsumeContext<SubmitInput> context) => processor.SubmitAsync(context.Message, context.GetRetryAttempt(), context.CancellationToken);
}

public sealed class SessionDeletedConsumer(TurnProcessor processor) : IConsumer<SessionDeleted>
{
    public Task Consume(ConsumeContext<SessionDeleted> context) => processor.MarkDeletedAsync(context.Message.SessionId);
}
