using System.Net.WebSockets;
using HeartRule.Gateway.Routing;
using HeartRule.Infrastructure;
using HeartRule.Protocol;

namespace HeartRule.Gateway.Connections;

/// <summary>
/// GET /ws: the handshake (authenticated and origin-checked before the upgrade, see <see cref="OriginPolicy"/>
/// and the authorization on the route), then the connection's life.
/// </summary>
public sealed class WebSocketEndpoint(
    GatewayOptions options,
    FrameDispatcher dispatcher,
    LocalSubscriptions subscriptions,
    ConnectionRegistry connections,
    ConnectionLimits limits,
    IHostApplicationLifetime lifetime,
    ILogger<WebSocketEndpoint> logger)
{
    /// <summary>Not in <see cref="WebSocketCloseStatus"/>: "service restart", so clients reconnect, to another node.</summary>
    public const WebSocketCloseStatus ServiceRestart = (WebSocketCloseStatus)1012;


    /// <summary>On shutdown: every client is told to reconnect (to another node), after the frames already queued for it.</summary>
    public void CloseAllForRestart()
    {
        foreach (var connection in connections.All) connection.RequestClose(ServiceRestart, "service restart");
    }

    public async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            await context.Response.WriteAsync("This endpoint speaks WebSocket (subprotocol heartrule.v1).");
            return;
        }
        if (!context.WebSockets.WebSocketRequestedProtocols.Contains(ProtocolJson.SubProtocol))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync($"Request the WebSocket subprotocol \"{ProtocolJson.SubProtocol}\".");
            return;
        }
        var userId = context.User.GetUserId();
        if (userId is null)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }
        if (!limits.TryOpen(userId))
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            await context.Response.WriteAsync($"At most {options.MaxConnectionsPerUser} connections per user; close one first.");
            return;
        }
        try
        {
            await RunAsync(context, userId);
        }
        finally
        {
            limits.Close(userId);
        }
    }

    private async Task RunAsync(HttpContext context, string userId)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            SubProtocol = ProtocolJson.SubProtocol,
            KeepAliveInterval = options.KeepAliveInterval,
        });
        var connection = new ClientConnection(socket, userId, limits.NewConnectionBucket(), options, logger);
        connections.Add(connection);
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["connectionId"] = connection.Id, ["userId"] = userId });
        // Debug, not Information: a node holds tens of thousands of sockets, and two lines per socket at Information
        // cost ~2 KiB of memory per idle connection in formatting garbage (docs/benchmarks.md), as well as the log volume.
        logger.LogDebug("Connection {ConnectionId} opened for user {UserId}", connection.Id, userId);
        try
        {
            await connection.RunAsync(HandleFrameAsync);
        }
        finally
        {
            connections.Remove(connection);
            foreach (var sessionId in connection.SessionIds)
            {
                await subscriptions.RemoveAsync(connection, sessionId);
            }
            logger.LogDebug("Connection {ConnectionId} closed", connection.Id);
        }
    }

    private async Task HandleFrameAsync(ClientConnection connection, Frame frame)
    {
        switch (limits.Admit(connection))
        {
            case FrameAdmission.Limited:
                connection.SendError(Contracts.ErrorCodes.RateLimited, "Too many frames; slow down.", RequestIdOf(frame));
                return;
            case FrameAdmission.Abusive:
                logger.LogWarning("Connection {ConnectionId} of user {UserId} keeps exceeding its rate limit; closing it", connection.Id, connection.UserId);
                connection.RequestClose(WebSocketCloseStatus.PolicyViolation, "rate limit exceeded");
                return;
        }
        try
        {
            await dispatcher.DispatchAsync(connection, frame);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // One failed frame must not cost the client its connection.
            logger.LogError(ex, "Handling a {FrameType} frame failed", frame.Type);
            connection.SendError(Contracts.ErrorCodes.InternalError, "The gateway could not handle that frame; try again.", RequestIdOf(frame));
        }
    }

    private static string? RequestIdOf(Frame frame) => frame switch
    {
        SessionStartFrame f => f.RequestId,
        SessionAttachFrame f => f.RequestId,
        InputFrame f => f.RequestId,
        _ => null,
    };
}
