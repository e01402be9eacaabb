using System.Text.Json;
using HeartRule.Contracts;
using HeartRule.Infrastructure.Delivery;
using StackExchange.Redis;

namespace HeartRule.Gateway.Routing;

/// <summary>
/// This node's channel: the frames that Sessions and ScriptEngine deliver to the sockets it holds
/// (<see cref="SessionEventDelivery"/>). Read in order, and each delivery is handed on without waiting for the one
/// before to be written: a socket still being sent a long history must not hold back every other session of the node,
/// and each socket's subscription keeps its own events in order (a gap it sees is filled from the event log). Pub/sub
/// keeps nothing for a subscriber that is not connected: each time the subscription is back, every socket catches up
/// from the event log, so a Redis restart loses no event for a socket that stayed open.
/// </summary>
public sealed class NodeChannelListener(IConnectionMultiplexer redis, NodeIdentity node, LocalSubscriptions local, ILogger<NodeChannelListener> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        redis.ConnectionRestored += OnConnectionRestored;
        try
        {
            var channel = await SubscribeAsync(stoppingToken);
            if (channel is null) return;
            // Each delivery runs until its first wait before the next message is read: the subscriptions see them in order.
            channel.OnMessage(message => { _ = DeliverAsync(message); });
            await Task.Delay(Timeout.Infinite, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            await channel.UnsubscribeAsync();
        }
        finally
        {
            redis.ConnectionRestored -= OnConnectionRestored;
        }
    }

    /// <summary>A Redis that is down when the node starts: subscribe once it is up (the node is not ready meanwhile).</summary>
    private async Task<ChannelMessageQueue?> SubscribeAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                return await redis.GetSubscriber().SubscribeAsync(DeliveryKeys.NodeChannel(node.Id));
            }
            catch (RedisException ex)
            {
                logger.LogWarning(ex, "Subscribing to node channel {NodeId} failed; trying again", node.Id);
                await Task.Delay(TimeSpan.FromSeconds(1), ct).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
        return null;
    }

    private async Task DeliverAsync(ChannelMessage message)
    {
        try
        {
            var delivery = JsonSerializer.Deserialize<GatewayDelivery>((byte[])message.Message!, DeliveryKeys.Json)!;
            using var activity = GatewayActivities.StartDelivery(delivery.TraceParent, delivery.SessionId);
            await local.DeliverAsync(delivery.SessionId, delivery.Frames, CancellationToken.None, delivery.ReplyToConnection, delivery.SenderOnly);
        }
        catch (Exception ex)
        {
            // The next delivery must still be read; a socket that missed this one repairs the gap from the event log.
            logger.LogWarning(ex, "A delivery on node channel {NodeId} could not be handed to its sockets", node.Id);
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) => _ = Task.Run(async () =>
    {
        try
        {
            // Answered on the subscription's connection after the SUBSCRIBE the client sends again there: what is
            // published from then on reaches this node, so the catch-up below misses nothing in between.
            await redis.GetSubscriber().PingAsync();
        }
        catch (RedisException ex)
        {
            logger.LogWarning(ex, "Redis connection ({ConnectionType}) is back but does not answer yet", e.ConnectionType);
        }
        logger.LogInformation("Redis connection ({ConnectionType}) is back; catching up {SessionCount} session(s) from the event log",
            e.ConnectionType, local.Sessions.Count);
        await local.CatchUpAllAsync(CancellationToken.None);
    });
}
