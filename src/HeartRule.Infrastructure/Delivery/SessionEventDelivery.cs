using HeartRule.Contracts;
using HeartRule.Protocol;
using StackExchange.Redis;

namespace HeartRule.Infrastructure.Delivery;

/// <summary>
/// Hands a session's frames to the gateway nodes that hold sockets on it, from the service that produced them:
/// a committed turn is added to the session's event log, then published on the channel (Redis pub/sub) of each node
/// in the session's connection map. Before, every turn went through the broker once more, persistent and confirmed,
/// to a router queue the gateways shared, which then did the same: this was a fifth of the broker's work per turn and
/// the largest message a gateway read (docs/benchmarks.md). Pub/sub loses what a node misses while its subscription is
/// down; the event log has it, and a node catches every socket up from there when its subscription is back, as a
/// socket does on resume.
/// </summary>
public sealed class SessionEventDelivery(IConnectionMultiplexer redis, DeliveryOptions options, TimeProvider time)
{
    /// <summary>
    /// Logs the turn's events, then sends them. Throws when Redis does not take them: the caller's input is then
    /// handled again, which delivers its committed turn again (a repeated seq changes nothing downstream).
    /// </summary>
    public async Task DeliverTurnAsync(TurnCompleted turn)
    {
        var frames = FrameFactory.FromTurn(turn);
        var entries = frames.Where(f => f.Seq is not null)
            .Select(f => new SortedSetEntry(System.Text.Json.JsonSerializer.Serialize(f, DeliveryKeys.Json), f.Seq!.Value)).ToArray();
        var batch = redis.GetDatabase().CreateBatch();
        var log = DeliveryKeys.EventLog(turn.SessionId);
        // One round trip: the map is read while the log is written, the frames go out only after both.
        var add = batch.SortedSetAddAsync(log, entries);
        var trim = batch.SortedSetRemoveRangeByRankAsync(log, 0, -options.EventLogLength - 1);
        var expire = batch.KeyExpireAsync(log, options.EventLogTtl);
        var routes = batch.HashGetAllAsync(DeliveryKeys.Routes(turn.SessionId));
        batch.Execute();
        await Task.WhenAll(add, trim, expire, routes);
        await SendAsync(turn.SessionId, frames, DeliveryKeys.LiveNodes(routes.Result, time.GetUtcNow()));
    }

    /// <summary>An input or start that could not run: to the socket that sent it, and unless it is for the sender only, the session's.</summary>
    public async Task DeliverRejectionAsync(TurnRejected rejected)
    {
        IReadOnlyList<string> nodes = rejected is { SenderOnly: true, ReplyTo: { } sender } ? [sender.NodeId] : await NodesAsync(rejected.SessionId);
        await SendAsync(rejected.SessionId, [FrameFactory.FromRejection(rejected)], nodes, rejected.ReplyTo, rejected.SenderOnly);
    }

    /// <summary>A piece of an AI message while the model writes it: not logged, since the final message follows in the turn.</summary>
    public async Task DeliverDeltaAsync(MessageDeltaProduced delta) =>
        await SendAsync(delta.SessionId, [FrameFactory.FromDelta(delta)], await NodesAsync(delta.SessionId));

    private async Task<IReadOnlyList<string>> NodesAsync(Guid sessionId) =>
        DeliveryKeys.LiveNodes(await redis.GetDatabase().HashGetAllAsync(DeliveryKeys.Routes(sessionId)), time.GetUtcNow());

    private async Task SendAsync(Guid sessionId, IReadOnlyList<RoutedFrame> frames, IReadOnlyList<string> nodes, ReplyAddress? replyTo = null, bool senderOnly = false)
    {
        if (replyTo is not null && !nodes.Contains(replyTo.NodeId)) nodes = [.. nodes, replyTo.NodeId];
        if (nodes.Count == 0) return;
        var db = redis.GetDatabase();
        var traceParent = System.Diagnostics.Activity.Current?.Id;
        var sends = new Task[nodes.Count];
        for (var i = 0; i < nodes.Count; i++)
        {
            var delivery = new GatewayDelivery
            {
                SessionId = sessionId, Frames = frames, SenderOnly = senderOnly,
                ReplyToConnection = replyTo?.NodeId == nodes[i] ? replyTo.ConnectionId : null, TraceParent = traceParent,
            };
            sends[i] = db.PublishAsync(DeliveryKeys.NodeChannel(nodes[i]), System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(delivery, DeliveryKeys.Json));
        }
        await Task.WhenAll(sends);
    }
}
