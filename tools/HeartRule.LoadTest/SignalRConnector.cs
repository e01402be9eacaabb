using System.Net.WebSockets;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace HeartRule.LoadTest;

/// <summary>
/// Hub connections to the SignalR baseline with the official client: WebSockets only, no negotiate round
/// trip (the Gateway has none either), sockets bound through <see cref="SourceBinding"/>.
/// </summary>
public static class SignalRConnector
{
    public static async Task<HubConnection> ConnectAsync(Uri hub, HttpMessageInvoker invoker, CancellationToken ct)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(hub, o =>
            {
                o.SkipNegotiation = true;
                o.Transports = HttpTransportType.WebSockets;
                o.WebSocketFactory = async (context, token) =>
                {
                    var socket = new ClientWebSocket();
                    try
                    {
                        await socket.ConnectAsync(context.Uri, invoker, token);
                        return socket;
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                };
            })
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.None))
            .Build();
        await connection.StartAsync(ct);
        return connection;
    }

    public static Uri HubUri(Uri server) => new(server, "/hub");
}
