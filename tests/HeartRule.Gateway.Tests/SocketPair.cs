using System.IO.Pipelines;
using System.Net.WebSockets;
using HeartRule.Gateway.Connections;

namespace HeartRule.Gateway.Tests;

/// <summary>Two ends of an in-memory connection, each a transport as Kestrel would hand it to the gateway.</summary>
public sealed class SocketPair
{
    private sealed record Duplex(PipeReader Input, PipeWriter Output) : IDuplexPipe;

    public Pipe ToServer { get; } = new();
    public Pipe ToClient { get; } = new();

    public IDuplexPipe ServerTransport => new Duplex(ToServer.Reader, ToClient.Writer);
    public IDuplexPipe ClientTransport => new Duplex(ToClient.Reader, ToServer.Writer);

    public WebSocket Server() => WebSocket.CreateFromStream(new TransportStream(ServerTransport), new WebSocketCreationOptions { IsServer = true });
    public WebSocket Client() => WebSocket.CreateFromStream(new TransportStream(ClientTransport), new WebSocketCreationOptions { IsServer = false });
}
