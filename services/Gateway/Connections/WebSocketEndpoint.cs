using System.Net.WebSockets;
using HeartRule.Gateway.Routing;
using HeartRule.Localization;
using HeartRule.Protocol;

namespace HeartRule.Gateway.Connections;

/// <summary>
/// The life of a socket on <see cref="Path"/>, once <see cref="WebSocketHandshake"/> has accepted it: frames in,
/// rate limits, the dispatcher, and the cleanup when it ends.
/// </summary>
public sealed class WebSocketEndpoint(
    GatewayOptions options,
    FrameDispatcher dispatcher,
    LocalSubscriptions subscriptions,
    ConnectionRegistry connections,
    ConnectionLimits limits,
    GatewayMetrics metrics,
    ILogger<WebSocketEndpoint> logger)
{
    public const string Path = "/ws";

    // One delegate for every socket, rather than one each held for its life.
    private Func<ClientConnection, Frame, Task>? _onFrame;

    /// <summary>Not in <see cref="WebSocketCloseStatus"/>: "service restart", so clients reconnect, to another node.</summary>
    public const WebSocketCloseStatus ServiceRestart = (WebSocketCloseStatus)1012;

    /// <summary>On shutdown: every client is told to reconnect (to another node), after the frames already queued for it.</summary>
    public void CloseAllForRestart()
    {
        foreach (var connection in connections.All) connection.RequestClose(ServiceRestart, "service restart");
    }

    /// <summary>Runs an accepted socket until it ends. The handshake took the user's slot in <see cref="ConnectionLimits"/>; this gives it back.</summary>
    /// <param name="locale">The language of the socket's error messages, as the handshake asked (a catalogue locale).</param>
    public async Task RunAsync(WebSocket socket, TokenUser user, string locale)
    {
        var userId = user.UserId;
        using (socket)
        {
            try
            {
                var connection = new ClientConnection(socket, userId, limits.NewConnectionBucket(), options, metrics, logger) { User = user, Locale = locale };
                connections.Add(connection);
                using var scope = logger.BeginScope(new ConnectionScope(connection.Id, userId));
                // Debug, not Information: a node holds tens of thousands of sockets, and two lines per socket at Information
                // cost ~2 KiB of memory per idle connection in formatting garbage (docs/benchmarks.md), as well as the log volume.
                logger.LogDebug("Connection {ConnectionId} opened for user {UserId}", connection.Id, userId);
                try
                {
                    await connection.RunAsync(_onFrame ??= HandleFrameAsync);
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
            finally
            {
                limits.Close(userId);
            }
        }
    }

    private async Task HandleFrameAsync(ClientConnection connection, Frame frame)
    {
        switch (limits.Admit(connection))
        {
            case FrameAdmission.Limited:
                connection.SendError(Contracts.ErrorCodes.RateLimited, LocalText.Of("error.tooManyFrames"), RequestIdOf(frame));
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
            connection.SendError(Contracts.ErrorCodes.InternalError, LocalText.Of("error.frameFailed"), RequestIdOf(frame));
        }
    }

    private static string? RequestIdOf(Frame frame) => frame switch
    {
        SessionStartFrame f => f.RequestId,
        SessionAttachFrame f => f.RequestId,
        InputFrame f => f.RequestId,
        AuthRefreshFrame f => f.RequestId,
        LocaleChangeFrame f => f.RequestId,
        _ => null,
    };
}
