using System.Buffers;
using System.Net.WebSockets;
using HeartRule.Protocol;

namespace HeartRule.LoadTest;

/// <summary>
/// A lean heartrule.v1 socket for load: it binds through <see cref="SourceBinding"/>, waits for data with
/// zero-byte reads (no buffer held while idle, so thousands of sockets stay cheap in the tool too) and hands
/// each whole frame to a callback on the receive loop.
/// </summary>
public sealed class LoadSocket
{
    private readonly ClientWebSocket _socket;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly Action<LoadSocket, ReadOnlySpan<byte>> _onFrame;

    private LoadSocket(ClientWebSocket socket, Action<LoadSocket, ReadOnlySpan<byte>> onFrame)
    {
        _socket = socket;
        _onFrame = onFrame;
    }

    /// <summary>Completes when the socket has closed, whoever closed it.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;
    public bool IsOpen => _socket.State == WebSocketState.Open;
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;
    public object? State { get; set; }

    public static async Task<LoadSocket> ConnectAsync(Uri uri, string accessToken, HttpMessageInvoker invoker,
        Action<LoadSocket, ReadOnlySpan<byte>> onFrame, CancellationToken ct)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(ProtocolJson.SubProtocol);
        socket.Options.SetRequestHeader("Authorization", $"Bearer {accessToken}");
        // The protocol's own ping frames keep the connection alive (the Gateway closes sockets that send nothing).
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        try
        {
            await socket.ConnectAsync(uri, invoker, ct);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var load = new LoadSocket(socket, onFrame);
        load.Completion = Task.Run(load.ReceiveLoopAsync, CancellationToken.None);
        return load;
    }

    public async Task SendAsync(ReadOnlyMemory<byte> utf8, CancellationToken ct)
    {
        await _sendLock.WaitAsync(ct);
        try
        {
            await _socket.SendAsync(utf8, WebSocketMessageType.Text, endOfMessage: true, ct);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public Task SendAsync(Frame frame, CancellationToken ct) => SendAsync(ProtocolJson.Serialize(frame), ct);

    public async Task CloseAsync()
    {
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "load test done", timeout.Token);
            }
            await Task.WhenAny(Completion, Task.Delay(TimeSpan.FromSeconds(10)));
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Already gone.
        }
        finally
        {
            _socket.Dispose();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        try
        {
            while (true)
            {
                var peek = await _socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None);
                if (peek.MessageType == WebSocketMessageType.Close) return;
                var buffer = ArrayPool<byte>.Shared.Rent(8192);
                var length = 0;
                try
                {
                    ValueWebSocketReceiveResult result;
                    do
                    {
                        if (length == buffer.Length)
                        {
                            var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                            buffer.AsSpan(0, length).CopyTo(bigger);
                            ArrayPool<byte>.Shared.Return(buffer);
                            buffer = bigger;
                        }
                        result = await _socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                        if (result.MessageType == WebSocketMessageType.Close) return;
                        length += result.Count;
                    } while (!result.EndOfMessage);
                    _onFrame(this, buffer.AsSpan(0, length));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection ended; Completion tells whoever waits.
        }
    }
}
