using HeartRule.Contracts;
using HeartRule.Persistence.Database;
using MassTransit;

namespace HeartRule.Persistence.Turns;

/// <summary>
/// Stores committed turns in batches: under load one transaction (and one round trip) carries many turns. The
/// messages stay unacknowledged on the broker until their batch is committed, so a database outage only delays
/// them (the write is retried until the database is back) and a crash meanwhile loses nothing.
/// </summary>
public sealed class TurnCompletedConsumer(TurnWriter writer, PersistenceTelemetry telemetry, ILogger<TurnCompletedConsumer> logger)
    : IConsumer<Batch<TurnCompleted>>
{
    public async Task Consume(ConsumeContext<Batch<TurnCompleted>> context)
    {
        var turns = context.Message.Select(m => m.Message).ToList();
        using var activity = telemetry.StartBatch([.. context.Message]);
        try
        {
            await TransientRetry.RunAsync(c => writer.WriteAsync(turns, c), logger, $"Storing {turns.Count} turns", context.CancellationToken);
        }
        catch (Exception ex) when (turns.Count > 1 && IsPermanent(ex, context.CancellationToken))
        {
            // One bad turn must not hold back the others: store each in its own transaction, then fault the batch
            // (to the error queue) for the bad ones. Replaying the batch later rewrites nothing that is stored.
            logger.LogWarning(ex, "A batch of {Count} turns failed; storing them one by one", turns.Count);
            var failures = new List<Exception>();
            foreach (var turn in turns)
            {
                try
                {
                    await TransientRetry.RunAsync(c => writer.WriteAsync(turn, c), logger, $"Storing turn {turn.Turn} of {turn.SessionId}", context.CancellationToken);
                }
                catch (Exception one) when (IsPermanent(one, context.CancellationToken))
                {
                    logger.LogError(one, "Turn {Turn} of session {SessionId} cannot be stored", turn.Turn, turn.SessionId);
                    failures.Add(one);
                }
            }
            if (failures.Count > 0) throw new AggregateException("Some turns of the batch cannot be stored.", failures);
        }
        logger.LogDebug("Stored {Count} turns", turns.Count);
    }

    /// <summary>
    /// A failure that retrying will not fix. Cancellation is not one: it means the service is stopping, and the
    /// batch must go back to the queue (for this or another instance), never to the error queue.
    /// </summary>
    private static bool IsPermanent(Exception exception, CancellationToken ct) =>
        !ct.IsCancellationRequested && exception is not OperationCanceledException && !DatabaseErrors.IsTransient(exception);
}
