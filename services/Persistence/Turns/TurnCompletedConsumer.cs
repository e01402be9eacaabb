using HeartRule.Contracts;
using HeartRule.Persistence.Database;
using MassTransit;

namespace HeartRule.Persistence.Turns;

/// <summary>
/// Stores committed turns in batches: under load one transaction (and one round trip) carries many turns. The
/// messages stay unacknowledged on the broker until their batch is committed, so a database outage only delays
/// them (the write is retried until the database is back) and a crash meanwhile loses nothing. A turn in which the
/// safety net acted is announced to the counsellors (<see cref="SessionFlagged"/>) once it is stored: a counsellor
/// who opens the alert at once may watch the session, which is allowed by the stored flag. Sent before, the alert
/// could be opened while the turn still waited for its batch, and the watch was refused.
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
                    continue;
                }
                await AnnounceFlagsAsync(context, [turn]);
            }
            if (failures.Count > 0) throw new AggregateException("Some turns of the batch cannot be stored.", failures);
            return;
        }
        await AnnounceFlagsAsync(context, turns);
        logger.LogDebug("Stored {Count} turns", turns.Count);
    }

    /// <summary>
    /// The counsellors' alerts for the stored turns that raised one. A failure here fails the batch, whose redelivery
    /// stores nothing twice and sends the alerts again; consumers key an alert on its session and seq, so a second
    /// copy changes nothing.
    /// </summary>
    private async Task AnnounceFlagsAsync(ConsumeContext context, IEnumerable<TurnCompleted> stored)
    {
        foreach (var turn in stored)
        {
            if (turn.Summary.Safety is not { Acted: true } safety) continue;
            await context.Publish(new SessionFlagged
            {
                SessionId = turn.SessionId, UserId = turn.UserId, ScriptId = turn.ScriptId, RiskLevel = safety.RiskLevel, Reason = safety.Reason,
                Evidence = safety.Evidence, EvidenceMessageIds = [.. turn.Messages.Where(m => m.Role == "user").Select(m => m.MessageId)],
                Seq = turn.Summary.Seq, FlaggedAt = turn.CompletedAt, Locale = turn.Locale,
            }, context.CancellationToken);
            logger.LogWarning("Session {SessionId} flagged at risk {RiskLevel} ({Reason}) in turn {Turn}", turn.SessionId, safety.RiskLevel, safety.Reason, turn.Turn);
        }
    }

    /// <summary>
    /// A failure that retrying will not fix. Cancellation is not one: it means the service is stopping, and the
    /// batch must go back to the queue (for this or another instance), never to the error queue.
    /// </summary>
    private static bool IsPermanent(Exception exception, CancellationToken ct) =>
        !ct.IsCancellationRequested && exception is not OperationCanceledException && !DatabaseErrors.IsTransient(exception);
}
