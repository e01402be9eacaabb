using System.Buffers;
using System.Net.WebSockets;

namespace HeartRule.SignalRBaseline;

/// <summary>
/// GET /raw: a bare ASP.NET Core WebSocket that echoes text frames — the framework's own floor for what an
/// idle connection costs, with nothing of SignalR or of the Gateway on top (subprotocol heartrule.v1 is
/// accepted so the load tool's sockets can connect unchanged; the bearer token is ignored).
/// </summary>
public static class RawWebSocketEndpoint
{
    public static void MapRawWebSockets(this WebApplication app) => app.Map("/raw", async context =>
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            SubProtocol = context.WebSockets.WebSocketRequestedProtocols.FirstOrDefault(),
            KeepAliveInterval = TimeSpan.FromSeconds(20),
        });
        while (socket.State == WebSocketState.Open)
        {
            // Wait without a buffer, as the Gateway does, then read and echo one frame.
            var peek = await socket.ReceiveAsync(Memory<byte>.Empty, context.RequestAborted);
            if (peek.MessageType == WebSocketMessageType.Close) break;
            var buffer = ArrayPool<byte>.Shared.Rent(4096);
            try
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(), context.RequestAborted);
                if (result.MessageType == WebSocketMessageType.Close) break;
                await socket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, context.RequestAborted);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    });
}
