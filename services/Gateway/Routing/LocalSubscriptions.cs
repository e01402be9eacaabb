using System.Collections.Concurrent;
using System.Collections.Immutable;
using HeartRule.Contracts;

using HeartRule.Gateway.Connections;

namespace HeartRule.Gateway.Routing;

/// <summary>The sockets this node holds, by session; the first socket on a session claims it in the Redis map, the last one releases it.</summary>
public sealed class LocalSubscriptions(SessionRoutes routes, EventLog log, ConnectionRegistry connections, ILogger<LocalSubscriptions> logger)
{
    private readonly ConcurrentDictionary<Guid, ImmutableArray<Subscription>> _bySession = new();
    private readonly Lock _lock = new();

    public ICollection<Guid> Sessions => _bySession.Keys;

    public async Task<Subscription> AddAsync(ClientConnection connection, Guid sessionId, bool debug, long lastSeq)
    {
        var subscription = new Subscription(connection, sessionId, debug, lastSeq);
        bool first;
        lock (_lock)
        {
            var current = _bySession.GetValueOrDefault(sessionId, ImmutableArray<Subscription>.Empty);
            first = current.IsEmpty;
            _bySession[sessionId] = current.RemoveAll(s => s.Connection == connection).Add(subscription);
        }
        connection.Attached(sessionId);
        // Claim before anything is published for the session, so the router finds this node.
        if (first) await routes.ClaimAsync(sessionId);
        return subscription;
    }

    public async Task RemoveAsync(ClientConnection connection, Guid sessionId)
    {
        connection.Detached(sessionId);
        bool last;
        lock (_lock)
        {
            if (!_bySession.TryGetValue(sessionId, out var current)) return;
            var next = current.RemoveAll(s => s.Connection == connection);
            last = next.IsEmpty;
            if (last) _bySession.TryRemove(sessionId, out _);
            else _bySession[sessionId] = next;
        }
        if (last) await routes.ReleaseAsync(sessionId);
    }

    /// <summary>On shutdown: take this node out of every session's route at once, before its sockets finish closing.</summary>
    public async Task ReleaseAllAsync()
    {
        foreach (var sessionId in _bySession.Keys.ToList())
        {
            await routes.ReleaseAsync(sessionId);
        }
    }

    /// <summary>Every socket gets what the event log holds beyond what it was sent (see <see cref="Subscription.CatchUpAsync"/>).</summary>
    public Task CatchUpAllAsync(CancellationToken ct) => CatchUpAsync([.. _bySession.Keys], ct);

    /// <summary>The same, for the sockets on these sessions.</summary>
    public async Task CatchUpAsync(IEnumerable<Guid> sessionIds, CancellationToken ct)
    {
        foreach (var subscription in sessionIds.SelectMany(id => _bySession.GetValueOrDefault(id, ImmutableArray<Subscription>.Empty)))
        {
            try
            {
                await subscription.CatchUpAsync(log, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Catching up connection {ConnectionId} on session {SessionId} failed", subscription.Connection.Id, subscription.SessionId);
            }
        }
    }

    /// <param name="replyTo">The socket that sent the input these frames answer: it gets the unsequenced ones even if it is not attached.</param>
    public async Task DeliverAsync(Guid sessionId, IReadOnlyList<RoutedFrame> frames, CancellationToken ct, string? replyTo = null, bool senderOnly = false)
    {
        if (senderOnly)
        {
            if (replyTo is not null && connections.Find(replyTo) is { } only)
            {
                foreach (var frame in frames) only.Send(frame);
            }
            return;
        }
        var subscriptions = _bySession.GetValueOrDefault(sessionId, ImmutableArray<Subscription>.Empty);
        if (replyTo is not null && !subscriptions.Any(s => s.Connection.Id == replyTo) && connections.Find(replyTo) is { } sender)
        {
            foreach (var frame in frames.Where(f => f.Seq is null)) sender.Send(frame);
        }
        foreach (var subscription in subscriptions)
        {
            try
            {
                await subscription.DeliverAsync(frames, log, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One broken socket must not keep the others of the session from their events.
                logger.LogWarning(ex, "Delivery to connection {ConnectionId} on session {SessionId} failed", subscription.Connection.Id, sessionId);
            }
        }
    }
}
