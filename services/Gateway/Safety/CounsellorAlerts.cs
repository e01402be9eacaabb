using System.Collections.Concurrent;
using HeartRule.Contracts;
using HeartRule.Gateway.Connections;
using HeartRule.Localization;
using HeartRule.Protocol;
using MassTransit;

namespace HeartRule.Gateway.Safety;

/// <summary>The sockets of this node that asked for the safety net's alerts (<c>safety.subscribe</c>).</summary>
public sealed class CounsellorAlerts(ILogger<CounsellorAlerts> logger)
{
    private readonly ConcurrentDictionary<string, ClientConnection> _subscribers = new();

    public Task SubscribeAsync(ClientConnection connection, SafetySubscribeFrame frame)
    {
        if (!connection.User.MayWatchSafety)
        {
            logger.LogWarning("User {UserId} asked for safety alerts without a counsellor or admin role", connection.UserId);
            connection.SendError(ErrorCodes.Forbidden, LocalText.Of("error.counsellorsOnly"), frame.RequestId);
            return Task.CompletedTask;
        }
        _subscribers[connection.Id] = connection;
        connection.Send(new SafetySubscribedFrame { RequestId = frame.RequestId });
        return Task.CompletedTask;
    }

    public void Publish(SafetyAlertFrame alert)
    {
        foreach (var (id, connection) in _subscribers)
        {
            // A closed socket leaves here at the next alert: nothing else holds it.
            if (connection.IsClosed) _subscribers.TryRemove(id, out _);
            else connection.Send(alert);
        }
    }
}

/// <summary>
/// Every gateway node hears every flag (its own auto-delete queue bound to <see cref="SessionFlagged"/>) and pushes it
/// to the counsellors connected to it: an alert raised anywhere reaches every counsellor, on whichever node.
/// </summary>
public sealed class SafetyAlertConsumer(CounsellorAlerts alerts) : IConsumer<SessionFlagged>
{
    public Task Consume(ConsumeContext<SessionFlagged> context)
    {
        var flag = context.Message;
        alerts.Publish(new SafetyAlertFrame
        {
            SessionId = flag.SessionId, Seq = flag.Seq, RiskLevel = flag.RiskLevel, Reason = flag.Reason, ScriptId = flag.ScriptId,
            Evidence = flag.Evidence, FlaggedAt = flag.FlaggedAt,
        });
        return Task.CompletedTask;
    }
}
