using HeartRule.Contracts;
using MassTransit;

namespace HeartRule.Gateway.Routing;

/// <summary>
/// Shared by all gateway nodes (competing consumers on one queue): records a turn's events in the event log,
/// then forwards them to exactly the nodes that hold sockets on the session.
/// </summary>
public sealed class EventRouterConsumer(EventLog log, SessionRoutes routes, NodeIdentity self, LocalSubscriptions local, ILogger<EventRouterConsumer> logger)
    : IConsumer<TurnCompleted>, IConsumer<TurnRejected>, IConsumer<MessageDeltaProduced>
{
    public async Task Consume(ConsumeContext<TurnCompleted> context)
    {
        var sessionId = context.Message.SessionId;
        var frames = FrameFactory.FromTurn(context.Message);
        // Asked while the log is written (frames are delivered only after that): one round trip to Redis, not two.
        var nodes = routes.GetNodesAsync(sessionId);
        await log.AppendAsync(sessionId, frames);
        await RouteAsync(context, sessionId, frames, await nodes);
    }

    public async Task Consume(ConsumeContext<TurnRejected> context) =>
        await RouteAsync(context, context.Message.SessionId, [FrameFactory.FromRejection(context.Message)],
            context.Message is { SenderOnly: true, ReplyTo: { } sender } ? [sender.NodeId] : await routes.GetNodesAsync(context.Message.SessionId),
            context.Message.ReplyTo, context.Message.SenderOnly);

    public async Task Consume(ConsumeContext<MessageDeltaProduced> context) =>
        await RouteAsync(context, context.Message.SessionId, [FrameFactory.FromDelta(context.Message)], await routes.GetNodesAsync(context.Message.SessionId));

    private async Task RouteAsync(ConsumeContext context, Guid sessionId, IReadOnlyList<RoutedFrame> frames, IReadOnlyList<string> nodes,
        ReplyAddress? replyTo = null, bool senderOnly = false)
    {
        if (replyTo is not null && !nodes.Contains(replyTo.NodeId)) nodes = [.. nodes, replyTo.NodeId];
        foreach (var node in nodes)
        {
            var replyToConnection = replyTo?.NodeId == node ? replyTo.ConnectionId : null;
            if (node == self.Id)
            {
                await local.DeliverAsync(sessionId, frames, context.CancellationToken, replyToConnection, senderOnly);
                continue;
            }
            var endpoint = await context.GetSendEndpoint(new Uri($"exchange:{NodeIdentity.EndpointNameFor(node)}?durable=false&autodelete=true"));
            await endpoint.Send(new GatewayDelivery { SessionId = sessionId, Frames = frames, ReplyToConnection = replyToConnection, SenderOnly = senderOnly },
                context.CancellationToken);
        }
        logger.LogDebug("Routed {FrameCount} frame(s) of session {SessionId}", frames.Count, sessionId);
    }
}

/// <summary>This node's own queue: deliveries the router addressed to it.</summary>
public sealed class NodeDeliveryConsumer(LocalSubscriptions local) : IConsumer<GatewayDelivery>
{
    public Task Consume(ConsumeContext<GatewayDelivery> context) =>
        local.DeliverAsync(context.Message.SessionId, context.Message.Frames, context.CancellationToken, context.Message.ReplyToConnection, context.Message.SenderOnly);
}
