using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using HeartRule.Contracts;
using HeartRule.Localization;
using HeartRule.Protocol;

namespace HeartRule.Gateway.Connections;

/// <summary>
/// One WebSocket. Reads frames and hands them to the dispatcher; writes through a bounded queue, so a slow
/// reader costs at most the queue — past that its socket is closed. The sender exists only while the queue
/// has something in it: an idle socket holds no parked send loop.
/// </summary>
public sealed class ClientConnection
{
    private readonly WebSocket _socket;
    private readonly GatewayOptions _options;
    private readonly ILogger _logger;
    private readonly GatewayMetrics _metrics;
    private readonly CancellationTokenSource _closed = new();
    private readonly CancellationTokenSource _abort = new();
    // What the queue may keep while idle: the room of a usual reply, not of the largest burst it ever held.
    private const int IdleQueueCapacity = 4;
    // Guards the queue and everything below it.
    private readonly Queue<byte[]> _outbox = new();
    private Task _sender = Task.CompletedTask;
    private bool _sending;
    // No frame is queued after this: the close frame is the last thing the sender writes.
    private bool _sendsCompleted;
    private (WebSocketCloseStatus Status, string Reason)? _closeRequest;
    // Frames queued while one of this socket's commands waits for the broker's confirm (HoldFrames): an answer can
    // come back faster than the confirm, and the client is promised the command's ack or error before its answer.
    private List<byte[]>? _held;

    public ClientConnection(WebSocket socket, string userId, TokenBucket bucket, GatewayOptions options, GatewayMetrics metrics, ILogger logger)
    {
        Bucket = bucket;
        _socket = socket;
        UserId = userId;
        _options = options;
        _metrics = metrics;
        _logger = logger;
    }

    public string Id { get; } = Guid.NewGuid().ToString("N")[..12];
    public string UserId { get; }
    /// <summary>The token's user, roles and expiry (a refresh replaces it; the user id never changes).</summary>
    public TokenUser User { get; set; } = null!;
    /// <summary>The language of this socket's error messages (a catalogue locale): from the handshake, changed by locale.change.</summary>
    public string Locale { get; set; } = Catalogue.DefaultLocale;
    /// <summary>The expiry this socket was last warned of (auth.expiring), so it is warned once per token.</summary>
    public DateTimeOffset? WarnedExpiry { get; set; }
    public bool IsClosed => _closed.IsCancellationRequested;
    public CancellationToken Closed => _closed.Token;
    public DateTimeOffset LastReceivedAt { get; private set; } = DateTimeOffset.UtcNow;
    public TokenBucket Bucket { get; }

    // Sessions this socket is attached to: a socket usually has one, so a small list under a lock.
    private readonly List<Guid> _sessionIds = new(1);

    public IReadOnlyList<Guid> SessionIds
    {
        get { lock (_sessionIds) return [.. _sessionIds]; }
    }

    public void Attached(Guid sessionId)
    {
        lock (_sessionIds) if (!_sessionIds.Contains(sessionId)) _sessionIds.Add(sessionId);
    }

    public void Detached(Guid sessionId)
    {
        lock (_sessionIds) _sessionIds.Remove(sessionId);
    }

    /// <summary>
    /// The last session this socket's user was found to own (sessions never change owners): its inputs skip the
    /// owner lookup, a Redis round trip on every turn otherwise.
    /// </summary>
    public Guid? OwnedSession { get; set; }
    /// <summary>Rate-limited frames in a row; only the receive loop touches it.</summary>
    public int RateLimitStrikes { get; set; }

    public void Send(Frame frame) => Enqueue(ProtocolJson.Serialize(frame), frame.Type);

    /// <param name="frameType">The frame's type name, for the frame counters.</param>
    public void Send(string json, string frameType) => Enqueue(Encoding.UTF8.GetBytes(json), frameType);

    /// <summary>A frame serialised once for every socket; <paramref name="debug"/> picks its debug variant where it has one.</summary>
    public void Send(RoutedFrame frame, bool debug = false) =>
        Send(debug && frame.DebugJson is not null ? frame.DebugJson : frame.Json, frame.Type ?? GatewayMetrics.UnknownFrame);

    /// <summary>An error frame, its message in the socket's language.</summary>
    public void SendError(string code, LocalText message, string? requestId = null, Guid? sessionId = null) =>
        Send(Error(code, message, requestId, sessionId));

    public ErrorFrame Error(string code, LocalText message, string? requestId = null, Guid? sessionId = null) =>
        new() { Code = code, Message = message.In(Locale), RequestId = requestId, SessionId = sessionId, Retryable = ErrorCodes.Describe(code).CanRetry };

    /// <summary>Frames queued from now on wait until <see cref="ReleaseHeld"/>, which sends its own frame before them.</summary>
    public void HoldFrames()
    {
        lock (_outbox) _held ??= [];
    }

    /// <summary>Sends <paramref name="first"/> (a command's ack or error), then every frame held since <see cref="HoldFrames"/>.</summary>
    public void ReleaseHeld(Frame? first)
    {
        var payload = first is null ? null : ProtocolJson.Serialize(first);
        lock (_outbox)
        {
            var held = _held;
            _held = null;
            if (_sendsCompleted) return;
            if (payload is not null) _outbox.Enqueue(payload);
            if (held is not null) foreach (var frame in held) _outbox.Enqueue(frame);
            if (_outbox.Count > 0) StartSenderLocked();
        }
        if (first is not null) _metrics.FrameSent(first.Type);
    }

    private void Enqueue(byte[] payload, string frameType)
    {
        bool overflow;
        lock (_outbox)
        {
            // After a close request, or once sending failed, a frame could not be sent anyway.
            if (_sendsCompleted) return;
            overflow = _outbox.Count + (_held?.Count ?? 0) >= _options.SendQueueCapacity;
            if (!overflow)
            {
                if (_held is not null)
                {
                    _held.Add(payload);
                }
                else
                {
                    _outbox.Enqueue(payload);
                    StartSenderLocked();
                }
            }
        }
        if (!overflow)
        {
            _metrics.FrameSent(frameType);
        }
        else
        {
            _logger.LogWarning("Connection {ConnectionId} of user {UserId} reads too slowly; closing it", Id, UserId);
            RequestClose(WebSocketCloseStatus.PolicyViolation, "send queue overflow");
            // The reader is not reading: waiting for the queued frames to drain could take forever.
            _abort.Cancel();
        }
    }

    /// <summary>
    /// Until everything queued so far has been written to the socket: a sender of many frames (a replay) waits for
    /// this between batches, so that the send queue, bounded for slow readers, never overflows for a fast one.
    /// </summary>
    public Task WaitUntilSentAsync(CancellationToken ct)
    {
        Task sender;
        lock (_outbox) sender = _sender;
        return sender.WaitAsync(ct);
    }

    /// <summary>Closes the socket after the frames already queued (the close frame goes last).</summary>
    public void RequestClose(WebSocketCloseStatus status, string reason)
    {
        lock (_outbox)
        {
            _closeRequest ??= (status, reason);
            if (_sendsCompleted) return;
            _sendsCompleted = true;
            StartSenderLocked();
        }
    }

    private void StartSenderLocked()
    {
        if (_sending) return;
        _sending = true;
        // Not inline: callers deliver under their own locks and must not run socket writes there.
        _sender = Task.Run(SendLoopAsync);
    }

    /// <summary>Runs until the socket ends: the receive loop here, a sender beside it whenever there is something to send.</summary>
    public async Task RunAsync(Func<ClientConnection, Frame, Task> onFrame)
    {
        try
        {
            // Never cancelled except to abort: cancelling a pending receive tears the socket down without a close frame.
            // A shutdown closes through RequestClose like any other server-side close.
            await ReceiveLoopAsync(onFrame, _abort.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The peer vanished or the node is stopping.
        }
        finally
        {
            RequestClose(WebSocketCloseStatus.NormalClosure, "closing");
            Task sender;
            lock (_outbox) sender = _sender;
            await Task.WhenAny(sender, Task.Delay(TimeSpan.FromSeconds(5)));
            await AwaitPeerCloseAsync(_abort.Token);
            _closed.Cancel();
            if (_socket.State != WebSocketState.Closed) _socket.Abort();
        }
    }

    /// <summary>
    /// After our close frame, read (and drop) until the peer's close arrives. Tearing the connection down with
    /// unread bytes in it would make TCP reset it, and a reset can destroy the close frame — and with it the
    /// close code — before the peer reads it.
    /// </summary>
    private async Task AwaitPeerCloseAsync(CancellationToken ct)
    {
        if (_socket.State != WebSocketState.CloseSent) return;
        var scratch = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (_socket.State == WebSocketState.CloseSent)
            {
                var result = await _socket.ReceiveAsync(scratch.AsMemory(), ct);
                if (result.MessageType == WebSocketMessageType.Close) return;
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The peer never answered; the abort below ends it.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private async Task ReceiveLoopAsync(Func<ClientConnection, Frame, Task> onFrame, CancellationToken abort)
    {
        var maxBytes = _options.MaxFrameBytes;
        while (!abort.IsCancellationRequested && _socket.State == WebSocketState.Open)
        {
            // A zero-byte read waits for data without holding a buffer: idle sockets cost no receive memory.
            var peek = await _socket.ReceiveAsync(Memory<byte>.Empty, abort);
            if (peek.MessageType == WebSocketMessageType.Close)
            {
                RequestClose(WebSocketCloseStatus.NormalClosure, "bye");
                return;
            }

            var buffer = ArrayPool<byte>.Shared.Rent(4096);
            var length = 0;
            try
            {
                ValueWebSocketReceiveResult result;
                do
                {
                    // Reading one byte past the limit is how an oversized frame is told from one of exactly the limit.
                    if (length == buffer.Length)
                    {
                        var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxBytes + 1));
                        buffer.AsSpan(0, length).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }
                    result = await _socket.ReceiveAsync(buffer.AsMemory(length, Math.Min(buffer.Length, maxBytes + 1) - length), abort);
                    length += result.Count;
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        RequestClose(WebSocketCloseStatus.NormalClosure, "bye");
                        return;
                    }
                    if (length > maxBytes)
                    {
                        _logger.LogInformation("Connection {ConnectionId} sent a frame over {MaxBytes} bytes; closing it", Id, maxBytes);
                        RequestClose(WebSocketCloseStatus.MessageTooBig, $"frames are limited to {maxBytes} bytes");
                        return;
                    }
                } while (!result.EndOfMessage);

                LastReceivedAt = DateTimeOffset.UtcNow;
                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    _metrics.FrameReceived(GatewayMetrics.BinaryFrame);
                    SendError(ErrorCodes.InvalidFrame, LocalText.Of("error.binaryFrame"));
                    if (_closeRequest is not null) return;
                    continue;
                }
                var parsed = ProtocolJson.Parse(buffer.AsSpan(0, length));
                _metrics.FrameReceived(parsed.Frame?.Type ?? GatewayMetrics.InvalidFrame);
                if (parsed.Frame is null)
                {
                    SendError(parsed.ErrorCode!, parsed.Error!, parsed.RequestId);
                    if (_closeRequest is not null) return;
                    continue;
                }
                await onFrame(this, parsed.Frame);
                if (_closeRequest is not null) return;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private async Task SendLoopAsync()
    {
        var idle = false;
        try
        {
            while (true)
            {
                byte[]? payload;
                (WebSocketCloseStatus Status, string Reason)? close = null;
                lock (_outbox)
                {
                    if (!_outbox.TryDequeue(out payload))
                    {
                        // Stays "sending" after the close: nothing may start another sender behind the close frame.
                        if (!_sendsCompleted)
                        {
                            idle = true;
                            _sending = false;
                            // An idle socket keeps no finished task either.
                            _sender = Task.CompletedTask;
                            if (_outbox.Capacity > IdleQueueCapacity) _outbox.TrimExcess();
                            return;
                        }
                        close = _closeRequest;
                    }
                }
                if (payload is not null)
                {
                    await _socket.SendAsync(payload, WebSocketMessageType.Text, endOfMessage: true, _abort.Token);
                    continue;
                }
                if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    var (status, reason) = close ?? (WebSocketCloseStatus.NormalClosure, "closing");
                    // The peer gets a few seconds to answer the close; then the connection is cut.
                    _abort.CancelAfter(TimeSpan.FromSeconds(5));
                    await _socket.CloseOutputAsync(status, reason, _abort.Token);
                }
                return;
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The socket broke while sending; the receive loop ends on its own.
        }
        finally
        {
            if (!idle)
            {
                // Closed, or broken: what is still queued can never be sent.
                lock (_outbox)
                {
                    _sendsCompleted = true;
                    _outbox.Clear();
                }
                _closed.Cancel();
            }
        }
    }
}
