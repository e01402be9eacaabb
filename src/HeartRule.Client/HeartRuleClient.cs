using System.Net;
using System.Net.WebSockets;
using System.Threading.Channels;
using HeartRule.Protocol;

namespace HeartRule.Client;

/// <summary>
/// A heartrule.v1 client over one WebSocket: send frames, read frames in arrival order, nothing more (no
/// reconnect, no resume). <see cref="HeartRuleConnection"/> is the session-level client built on it; the tests use
/// this one directly to speak the protocol frame by frame.
/// </summary>
public sealed class HeartRuleClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly Channel<Frame> _incoming = Channel.CreateUnbounded<Frame>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task? _receiveLoop;

    private Func<CancellationToken, Task<string>>? _refreshToken;
    private int _refreshes;

    private HeartRuleClient(ClientWebSocket socket) => _socket = socket;

    public WebSocketState State => _socket.State;
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;
    public string? CloseStatusDescription => _socket.CloseStatusDescription;

    /// <summary>Frames received, in order. Completes when the socket closes.</summary>
    public ChannelReader<Frame> Frames => _incoming.Reader;

    /// <param name="keepAlive">Send a <c>ping</c> frame this often, so the server's idle timeout never closes a quiet but live client.</param>
    /// <param name="refreshToken">
    /// Gets a new access token for the same user; called when the server says the socket's token is about to expire
    /// (<c>auth.expiring</c>), and sent as <c>auth.refresh</c>. Without it, the socket closes (4001) when the token expires.
    /// </param>
    public static async Task<HeartRuleClient> ConnectAsync(Uri uri, string? accessToken, string? origin = null, CancellationToken ct = default,
        Action<ClientWebSocketOptions>? configure = null, TimeSpan? keepAlive = null, Func<CancellationToken, Task<string>>? refreshToken = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(ProtocolJson.SubProtocol);
        // A refused handshake's status tells a token or request problem (do not retry) from a busy or stopping node (retry).
        socket.Options.CollectHttpResponseDetails = true;
        if (accessToken is not null) socket.Options.SetRequestHeader("Authorization", $"Bearer {accessToken}");
        if (origin is not null) socket.Options.SetRequestHeader("Origin", origin);
        configure?.Invoke(socket.Options);
        try
        {
            await socket.ConnectAsync(uri, ct);
        }
        catch (WebSocketException ex) when (socket.HttpStatusCode is not 0 and not HttpStatusCode.SwitchingProtocols)
        {
            // The status rides inside, as an HTTP client reports one: the callers catching WebSocketException still do.
            var status = socket.HttpStatusCode;
            socket.Dispose();
            var refused = $"The gateway refused the WebSocket handshake with HTTP {(int)status}.";
            throw new WebSocketException(ex.WebSocketErrorCode, refused, new HttpRequestException(refused, ex, status));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var client = new HeartRuleClient(socket) { _refreshToken = refreshToken };
        client._receiveLoop = Task.Run(client.ReceiveLoopAsync);
        if (keepAlive is { } interval) _ = Task.Run(() => client.KeepAliveLoopAsync(interval));
        return client;
    }

    public async Task SendAsync(Frame frame, CancellationToken ct = default) => await SendRawAsync(ProtocolJson.Serialize(frame), WebSocketMessageType.Text, ct);

    /// <summary>Sends bytes as they are: for tests of what the server does with bad input.</summary>
    public async Task SendRawAsync(ReadOnlyMemory<byte> payload, WebSocketMessageType type = WebSocketMessageType.Text, CancellationToken ct = default)
    {
        await _sendLock.WaitAsync(ct);
        try
        {
            await _socket.SendAsync(payload, type, endOfMessage: true, ct);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Reads frames until one matches, skipping the others; throws on timeout or close.</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool>? match = null, TimeSpan? timeout = null) where T : Frame
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            Frame frame;
            try
            {
                frame = await _incoming.Reader.ReadAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No {typeof(T).Name} arrived in time.");
            }
            catch (ChannelClosedException)
            {
                throw new WebSocketException($"The socket closed ({_socket.CloseStatus} {_socket.CloseStatusDescription}) before a {typeof(T).Name} arrived.");
            }
            if (frame is T typed && (match is null || match(typed))) return typed;
        }
    }

    /// <summary>Reads the next frame, whatever it is.</summary>
    public Task<Frame> NextAsync(TimeSpan? timeout = null) => WaitForAsync<Frame>(null, timeout);

    public async Task CloseAsync(WebSocketCloseStatus status = WebSocketCloseStatus.NormalClosure, CancellationToken ct = default)
    {
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            try
            {
                await _socket.CloseOutputAsync(status, null, ct);
            }
            catch (WebSocketException)
            {
                // The peer went away first; nothing left to close.
            }
        }
    }

    /// <summary>Drops the connection at once, without a closing handshake: for a socket that has stopped answering.</summary>
    public void Abort() => _socket.Abort();

    private async Task KeepAliveLoopAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token) && _socket.State == WebSocketState.Open)
            {
                await SendAsync(new PingFrame(), _stop.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection ended.
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var result = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    // Complete the closing handshake, so the server can let go of the connection at once.
                    if (_socket.State == WebSocketState.CloseReceived)
                        await _socket.CloseOutputAsync(result.CloseStatus ?? WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    break;
                }
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage) continue;
                var parsed = ProtocolJson.Parse(message.GetBuffer().AsSpan(0, (int)message.Length));
                message.SetLength(0);
                if (parsed.Frame is AuthExpiringFrame && _refreshToken is { } refresh) _ = Task.Run(() => RefreshAsync(refresh));
                if (parsed.Frame is not null) _incoming.Writer.TryWrite(parsed.Frame);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection ended; readers see the channel complete.
        }
        finally
        {
            _incoming.Writer.TryComplete();
        }
    }

    private async Task RefreshAsync(Func<CancellationToken, Task<string>> refresh)
    {
        try
        {
            var token = await refresh(_stop.Token);
            await SendAsync(new AuthRefreshFrame { RequestId = $"auth-refresh-{Interlocked.Increment(ref _refreshes)}", Token = token }, _stop.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or HttpRequestException)
        {
            // No new token, or the socket is gone: the server closes it (4001) when the old token expires.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        // The receive loop ends on the gateway's answering close frame: the closing handshake completes on both sides.
        // A gateway that does not answer in time is cut off.
        if (_receiveLoop is not null) await Task.WhenAny(_receiveLoop, Task.Delay(TimeSpan.FromSeconds(2)));
        _stop.Cancel();
        if (_receiveLoop is not null) await Task.WhenAny(_receiveLoop, Task.Delay(TimeSpan.FromSeconds(2)));
        _socket.Dispose();
        _stop.Dispose();
        _sendLock.Dispose();
    }
}
