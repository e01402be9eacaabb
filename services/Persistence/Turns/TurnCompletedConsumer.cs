using HeartRule.Contracts;
using MassTransit;

namespace HeartRule.Persistence.Turns;

/// <summary>The message stays on the broker until the turn is committed: a database outage only delays it.</summary>
public sealed class TurnCompletedConsumer(TurnWriter writer, ILogger<TurnCompletedConsumer> logger) : IConsumer<TurnCompleted>
{
    public async Task Consume(ConsumeContext<TurnCompleted> context)
    {
        var turn = context.Message;
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["sessionId"] = turn.SessionId, ["turn"] = turn.Turn });
        await writer.WriteAsync(turn, context.CancellationToken);
        logger.LogDebug("Stored turn {Turn} of session {SessionId} up to seq {Seq}", turn.Turn, turn.SessionId, turn.Summary.Seq);
    }
}
