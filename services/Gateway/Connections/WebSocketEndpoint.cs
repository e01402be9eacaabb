using System.Collections.Concurrent;
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
    IHostApplicationLifetime lifetime,
    ILogger<WebSocketEndpoint> logger)
{
    private readonly ConcurrentDictionary<string, ClientConnection> _connections = new();

    public int Count => _connections.Count;

    public ICollection<ClientConnection> Connections => _connections.Values;

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

        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            SubProtocol = ProtocolJson.SubProtocol,
            KeepAliveInterval = options.KeepAliveInterval,
        });
        var connection = new ClientConnection(socket, userId, options, logger);
        _connections[connection.Id] = connection;
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["connectionId"] = connection.Id, ["userId"] = userId });
        logger.LogInformation("Connection {ConnectionId} opened for user {UserId}", connection.Id, userId);
        try
        {
            await connection.RunAsync(HandleFrameAsync, lifetime.ApplicationStopping);
        }
        finally
        {
            _connections.TryRemove(connection.Id, out _);
            foreach (var sessionId in subscriptions.Sessions.ToList())
            {
                await subscriptions.RemoveAsync(connection, sessionId);
            }
            logger.LogInformation("Connection {ConnectionId} closed", connection.Id);
        }
    }

    private async Task HandleFrameAsync(ClientConnection connection, Frame frame)
    {
        try
        {
            await dispatcher.DispatchAsync(connection, frame);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // One failed frame must not cost the client its connection.
            logger.LogError(ex, "Handling a {FrameType} frame failed", frame.Type);
            connection.SendError(Contracts.ErrorCodes.InternalError, "The gateway could not handle that frame; try again.",
                (frame as SessionStartFrame)?.RequestId ?? (frame as SessionAttachFrame)?.RequestId ?? (frame as InputFrame)?.RequestId);
        }
    }
}
