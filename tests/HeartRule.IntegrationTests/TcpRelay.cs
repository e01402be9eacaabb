using System.Net;
using System.Net.Sockets;

namespace HeartRule.IntegrationTests;

/// <summary>
/// A TCP relay on loopback in front of one gateway node, standing for the network between a client and it: a test
/// cuts the connections through it (a dropped network), refuses new ones (the node out of reach) or lets the node's
/// answers stop on the way back (a connection that went silent) — at a moment of its choosing.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly List<Socket> _open = [];
    private Socket? _listener;
    private volatile bool _repliesStalled;

    public TcpRelay(Uri gateway)
    {
        _target = new IPEndPoint(IPAddress.Loopback, gateway.Port);
        Accept();
    }

    public int Port { get; private set; }

    public Uri WebSocketUri => new($"ws://127.0.0.1:{Port}/ws");

    /// <summary>Takes connections (again, on the same port).</summary>
    public void Accept()
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, Port));
        listener.Listen();
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        lock (_lock) _listener = listener;
        _ = AcceptLoopAsync(listener);
    }

    /// <summary>Resets every connection through the relay, as a dropped network does; new ones are still taken.</summary>
    public void Cut()
    {
        lock (_lock)
        {
            foreach (var socket in _open) Reset(socket);
            _open.Clear();
        }
    }

    /// <summary>Cuts every connection and refuses new ones: the node is out of reach.</summary>
    public void Refuse()
    {
        lock (_lock)
        {
            _listener?.Dispose();
            _listener = null;
        }
        Cut();
    }

    /// <summary>From now on what the node sends is dropped on the way: the client's frames still reach it, no answer comes back.</summary>
    public void StallReplies() => _repliesStalled = true;

    private async Task AcceptLoopAsync(Socket listener)
    {
        try
        {
            while (true) _ = RelayAsync(await listener.AcceptAsync(_stop.Token));
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Refused or disposed.
        }
    }

    private async Task RelayAsync(Socket client)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await server.ConnectAsync(_target, _stop.Token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            Reset(client);
            server.Dispose();
            return;
        }
        lock (_lock) _open.AddRange(client, server);
        await Task.WhenAny(PipeAsync(client, server, replies: false), PipeAsync(server, client, replies: true));
        lock (_lock) _open.RemoveAll(s => s == client || s == server);
        Reset(client);
        Reset(server);
    }

    private async Task PipeAsync(Socket from, Socket to, bool replies)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, _stop.Token);
                if (read == 0) return;
                if (replies && _repliesStalled) continue;
                await to.SendAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // One side is gone: the relay resets the other.
        }
    }

    /// <summary>Closes with a TCP reset (no linger), as a connection lost on the way looks to both ends.</summary>
    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }
        socket.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        Refuse();
        _stop.Dispose();
        return ValueTask.CompletedTask;
    }
}
