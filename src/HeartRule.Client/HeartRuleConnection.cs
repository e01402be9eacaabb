using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using HeartRule.Protocol;
using Polly;

namespace HeartRule.Client;

/// <summary>
/// A user's connection to HeartRule that outlives its sockets. It keeps one socket open to any gateway node, and when
/// that socket is lost (a network drop, a node restarting, an expired token) opens another — to the next node, after a
/// jittered exponential back-off — and attaches every session again from the last <c>seq</c> it delivered. Inputs are
/// sent in order and each is re-sent with the same <c>clientMessageId</c> until acknowledged, so it is processed once
/// however many sockets it takes. What the sessions say arrives on <see cref="Events"/>: every message once and in
/// order, streamed AI messages assembled as previews.
/// </summary>
public sealed class HeartRuleConnection : IAsyncDisposable
{
    // The gateway's frame limit (docs/protocol.md, "Limits"): a bigger input would close every socket it is sent on.
    private const int MaxFrameBytes = 1024 * 1024;

    private readonly HeartRuleConnectionOptions _options;
    private readonly Channel<ConnectionEvent> _events;
    private readonly Channel<PendingInput> _outbox;
    private readonly ResiliencePipeline _reconnect;
    private readonly ResiliencePipeline _resend;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _firstSocket = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, SessionState> _sessions = [];
    private readonly Dictionary<string, Reply> _replies = [];
    private TaskCompletionSource<HeartRuleClient> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private HeartRuleClient? _socket;
    private Uri? _gateway;

    private Task _supervisor = Task.CompletedTask;
    private Task _sender = Task.CompletedTask;
    private int _nextGateway;
    private long _requests;
    private int _disposed;

    private HeartRuleConnection(HeartRuleConnectionOptions options)
    {
        options.Validate();
        _options = options;
        _events = Channel.CreateBounded<ConnectionEvent>(new BoundedChannelOptions(options.EventBufferSize) { FullMode = BoundedChannelFullMode.Wait });
        _outbox = Channel.CreateBounded<PendingInput>(new BoundedChannelOptions(options.MaxPendingInputs) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
        _reconnect = Backoff.Create(options, options.MaxReconnectAttempts,
            ex => !RefusedForGood(ex) && !_stop.IsCancellationRequested,
            args => EmitAsync(new Reconnecting(args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception)));
        _resend = Backoff.Create(options, int.MaxValue, ex => ex is ConnectionLostException or RetryableRefusalException);
    }

    /// <summary>
    /// What happened, in order: messages, previews, turn ends, acknowledgements, connection changes. Read it: when
    /// <see cref="HeartRuleConnectionOptions.EventBufferSize"/> events are waiting, the connection stops reading its
    /// socket. It completes when the connection is disposed, or with the error that made it give up.
    /// </summary>
    public ChannelReader<ConnectionEvent> Events => _events.Reader;

    /// <summary>The gateway of the open socket; null while reconnecting.</summary>
    public Uri? Gateway
    {
        get { lock (_lock) return _gateway; }
    }

    /// <summary>The sessions this connection follows (started or attached), each resumed on every new socket.</summary>
    public IReadOnlyCollection<Guid> Sessions
    {
        get { lock (_lock) return [.. _sessions.Keys]; }
    }

    /// <summary>The highest <c>seq</c> delivered of the session: keep it to attach there later (0 if none, or not followed).</summary>
    public long LastSeq(Guid sessionId)
    {
        lock (_lock) return _sessions.TryGetValue(sessionId, out var state) ? state.Gate.LastSeq : 0;
    }

    /// <summary>
    /// Opens the first socket (retrying as for any lost one) and returns the connection. Throws if the gateway refuses
    /// the handshake for good (e.g. 401: a token it does not accept) or <paramref name="ct"/> is cancelled first.
    /// </summary>
    public static async Task<HeartRuleConnection> ConnectAsync(HeartRuleConnectionOptions options, CancellationToken ct = default)
    {
        var connection = new HeartRuleConnection(options);
        connection._supervisor = Task.Run(connection.SuperviseAsync, CancellationToken.None);
        connection._sender = Task.Run(connection.SendLoopAsync, CancellationToken.None);
        try
        {
            await connection._firstSocket.Task.WaitAsync(ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts a session on a script and follows it. Returns once it has begun (its first event has arrived, and is on
    /// <see cref="Events"/>). Sent again when the socket is lost before <c>session.started</c> or the gateway asks for
    /// it again (<c>SERVICE_UNAVAILABLE</c>); a session begun on a lost attempt gets no input and is left alone.
    /// </summary>
    /// <exception cref="HeartRuleException">Refused: <c>SCRIPT_NOT_FOUND</c>, <c>FORBIDDEN</c> (debug without the role), ….</exception>
    public async Task<Guid> StartAsync(string scriptId, int? version = null, Dictionary<string, JsonElement>? initialVariables = null,
        string? locale = null, bool debug = false, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(scriptId);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _stop.Token);
        return await _resend.ExecuteAsync(async token =>
        {
            EnsureRoomForSession();
            var socket = await WaitConnectedAsync(token);
            var begun = new TaskCompletionSource<ErrorFrame?>(TaskCreationOptions.RunContinuationsAsynchronously);
            var answer = await RequestAsync(socket,
                id => new SessionStartFrame
                {
                    RequestId = id, ScriptId = scriptId, Version = version, InitialVariables = initialVariables, Locale = locale,
                    Debug = debug ? true : null,
                },
                // Followed from session.started on, before any of its events is read.
                (frame, _) =>
                {
                    if (frame is SessionStartedFrame started)
                        _sessions[started.SessionId] = new SessionState(0, debug) { StartRequestId = started.RequestId, Begun = begun };
                }, token);
            var sessionId = ((SessionStartedFrame)Answered(answer)).SessionId;
            try
            {
                // The start is refused after session.started when the script is not found or the broker did not take it.
                if (await begun.Task.WaitAsync(token) is { } refused)
                {
                    Forget(sessionId);
                    Answered(refused);
                }
                return sessionId;
            }
            catch (OperationCanceledException)
            {
                Forget(sessionId);
                throw;
            }
        }, linked.Token);
    }

    /// <summary>
    /// Attaches to a session and follows it: the events after <paramref name="lastSeq"/> are replayed on
    /// <see cref="Events"/>, then live ones. Returns once attached.
    /// </summary>
    /// <exception cref="HeartRuleException">Refused: <c>SESSION_NOT_FOUND</c>, <c>FORBIDDEN</c>.</exception>
    public async Task AttachAsync(Guid sessionId, long lastSeq = 0, bool debug = false, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lastSeq);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _stop.Token);
        await _resend.ExecuteAsync(async token =>
        {
            lock (_lock)
            {
                if (_sessions.ContainsKey(sessionId)) return;
            }
            EnsureRoomForSession();
            var socket = await WaitConnectedAsync(token);
            Answered(await RequestAsync(socket,
                id => new SessionAttachFrame { RequestId = id, SessionId = sessionId, LastSeq = lastSeq, Debug = debug ? true : null },
                (frame, _) =>
                {
                    if (frame is SessionAttachedFrame) _sessions.TryAdd(sessionId, new SessionState(lastSeq, debug));
                }, token));
        }, linked.Token);
    }

    /// <summary>Stops following a session: its events no longer arrive, and it is not attached on later sockets.</summary>
    public async Task DetachAsync(Guid sessionId, CancellationToken ct = default)
    {
        HeartRuleClient? socket;
        lock (_lock)
        {
            if (!_sessions.Remove(sessionId)) return;
            socket = _socket;
        }
        if (socket is null) return;
        try
        {
            await socket.SendAsync(new SessionDetachFrame { SessionId = sessionId }, ct);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException)
        {
            // The socket is gone, and with it the attachment.
        }
    }

    /// <summary>
    /// Says something in a session (empty text: "next", for an <c>ai_say</c> that waits). Inputs go out one at a time,
    /// in the order given; each is sent again, with the same <c>clientMessageId</c>, on every new socket and after every
    /// retryable refusal until the gateway acknowledges it — given while disconnected, it goes out after the reconnect.
    /// Returns the <c>clientMessageId</c> once acknowledged; the turn follows on <see cref="Events"/>. Cancelling
    /// withdraws an input not acknowledged yet (one already sent may still be processed).
    /// </summary>
    /// <param name="clientMessageId">The input's identity; a new one by default.</param>
    /// <exception cref="HeartRuleException">Refused: <c>SESSION_COMPLETED</c>, <c>SESSION_NOT_FOUND</c>, <c>FORBIDDEN</c>.</exception>
    public async Task<string> SendAsync(Guid sessionId, string text, string? clientMessageId = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        clientMessageId ??= Guid.NewGuid().ToString("N");
        ArgumentException.ThrowIfNullOrWhiteSpace(clientMessageId);
        var probe = new InputFrame { RequestId = "r-" + long.MaxValue, SessionId = sessionId, ClientMessageId = clientMessageId, Text = text };
        if (ProtocolJson.Serialize(probe).Length > MaxFrameBytes)
            throw new ArgumentException($"The input is over the gateway's frame limit ({MaxFrameBytes} bytes as JSON).", nameof(text));
        var input = new PendingInput(sessionId, clientMessageId, text, ct);
        // Withdrawn at once, even while inputs before it are still being delivered; the sender then passes it over.
        await using var withdraw = ct.Register(() => input.Done.TrySetCanceled(ct));
        await _outbox.Writer.WriteAsync(input, ct);
        return await input.Done.Task;
    }

    private async Task SendLoopAsync()
    {
        try
        {
            await foreach (var input in _outbox.Reader.ReadAllAsync(_stop.Token))
            {
                if (input.Done.Task.IsCompleted) continue;
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, input.Cancellation);
                try
                {
                    await _resend.ExecuteAsync(token => DeliverAsync(input, token), linked.Token);
                    input.Done.TrySetResult(input.ClientMessageId);
                }
                catch (OperationCanceledException)
                {
                    input.Done.TrySetCanceled(linked.Token);
                }
                catch (Exception ex)
                {
                    input.Done.TrySetException(ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed: DisposeAsync cancels the inputs still waiting.
        }
    }

    private async ValueTask DeliverAsync(PendingInput input, CancellationToken ct)
    {
        var socket = await WaitConnectedAsync(ct);
        Answered(await RequestAsync(socket,
            id => new InputFrame { RequestId = id, SessionId = input.SessionId, ClientMessageId = input.ClientMessageId, Text = input.Text },
            (frame, events) =>
            {
                if (frame is AckFrame) events.Add(new InputAcknowledged(input.SessionId, input.ClientMessageId));
            }, ct));
    }

    /// <summary>The answer if it is not an error; a retryable error is tried again, any other is thrown.</summary>
    private static Frame Answered(Frame answer) => answer switch
    {
        ErrorFrame { Retryable: true } error => throw new RetryableRefusalException(error),
        ErrorFrame error => throw HeartRuleException.From(error),
        _ => answer,
    };

    /// <summary>
    /// Sends a request on the socket and waits for its answer (or an error with its request id). No answer within
    /// <see cref="HeartRuleConnectionOptions.ReplyTimeout"/>: the socket is taken for dead and dropped.
    /// </summary>
    /// <param name="onAnswer">Runs on the socket's reader, under the lock, before any later frame is read.</param>
    private async Task<Frame> RequestAsync(HeartRuleClient socket, Func<string, Frame> request, Action<Frame, List<ConnectionEvent>>? onAnswer, CancellationToken ct)
    {
        var requestId = $"hr-{Interlocked.Increment(ref _requests)}";
        var answer = new TaskCompletionSource<Frame>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock) _replies[requestId] = new Reply(socket, answer, onAnswer);
        try
        {
            await socket.SendAsync(request(requestId), ct);
            return await answer.Task.WaitAsync(_options.ReplyTimeout, _options.TimeProvider, ct);
        }
        catch (TimeoutException)
        {
            socket.Abort();
            throw new ConnectionLostException($"No answer within {_options.ReplyTimeout}: the socket was dropped.");
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException)
        {
            throw new ConnectionLostException("The socket closed.", ex);
        }
        finally
        {
            lock (_lock) _replies.Remove(requestId);
        }
    }

    private async Task<HeartRuleClient> WaitConnectedAsync(CancellationToken ct)
    {
        Task<HeartRuleClient> connected;
        lock (_lock) connected = _connected.Task;
        return await connected.WaitAsync(ct);
    }

    /// <summary>Keeps a socket open: connect, resume, read until it closes, and again.</summary>
    private async Task SuperviseAsync()
    {
        var stop = _stop.Token;
        var resumed = false;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var link = await _reconnect.ExecuteAsync(ConnectOnceAsync, stop);
                lock (_lock)
                {
                    (_socket, _gateway) = (link.Socket, link.Gateway);
                    _connected.TrySetResult(link.Socket);
                }
                _firstSocket.TrySetResult();
                await EmitAsync(new Connected(link.Gateway, resumed));
                resumed = true;

                await link.Pump;
                lock (_lock)
                {
                    (_socket, _gateway) = (null, null);
                    _connected = new TaskCompletionSource<HeartRuleClient>(TaskCreationOptions.RunContinuationsAsynchronously);
                }
                var (status, reason) = (link.Socket.CloseStatus, link.Socket.CloseStatusDescription);
                await link.Socket.DisposeAsync();
                await EmitAsync(new Disconnected(link.Gateway, status, reason));
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Disposed.
        }
        catch (Exception ex)
        {
            // Given up: a handshake refused for good, or MaxReconnectAttempts failures in a row.
            lock (_lock) _connected.TrySetException(ex);
            _firstSocket.TrySetException(ex);
            _events.Writer.TryComplete(ex);
        }
    }

    /// <summary>One attempt: a socket to the next gateway, with every followed session attached again on it.</summary>
    private async ValueTask<Link> ConnectOnceAsync(CancellationToken ct)
    {
        var gateway = _options.Gateways[_nextGateway % _options.Gateways.Count];
        // Whether this attempt fails or its socket is lost later, the next one goes to the next node: this one may be down.
        _nextGateway = (_nextGateway + 1) % _options.Gateways.Count;
        var token = await _options.AccessToken(ct);
        using var handshake = CancellationTokenSource.CreateLinkedTokenSource(ct);
        handshake.CancelAfter(_options.ReplyTimeout);
        var socket = await HeartRuleClient.ConnectAsync(gateway, token, ct: handshake.Token, configure: ConfigureSocket,
            keepAlive: _options.KeepAliveInterval, refreshToken: _options.AccessToken);
        var pump = Task.Run(() => PumpAsync(socket), CancellationToken.None);
        try
        {
            List<(Guid Id, SessionState State)> sessions;
            lock (_lock) sessions = [.. _sessions.Select(s => (s.Key, s.Value))];
            foreach (var (sessionId, state) in sessions)
            {
                var answer = await RequestAsync(socket,
                    id =>
                    {
                        lock (_lock) return new SessionAttachFrame { RequestId = id, SessionId = sessionId, LastSeq = state.Gate.LastSeq, Debug = state.Debug ? true : null };
                    },
                    (frame, events) =>
                    {
                        // Previews cut off with the old socket: their pieces do not come again; the replay brings the final messages.
                        if (frame is SessionAttachedFrame)
                            events.AddRange(state.Previews.Clear().Select(m => new MessagePreviewRemoved(sessionId, m, Discarded: false)));
                    }, ct);
                if (answer is ErrorFrame { Retryable: false } refused)
                {
                    Forget(sessionId);
                    await EmitAsync(new SessionLost(sessionId, refused.Code, refused.Message));
                }
                else Answered(answer);
            }
            return new Link(socket, gateway, pump);
        }
        catch
        {
            socket.Abort();
            await pump;
            await socket.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A handshake the gateway will refuse again whatever the wait: a token, origin or request it does not accept (4xx).
    /// A busy, failing or stopping node (429, 5xx) is tried again, and so is any network error.
    /// </summary>
    internal static bool RefusedForGood(Exception ex) =>
        ex is WebSocketException { InnerException: HttpRequestException { StatusCode: { } status } }
        && (int)status is >= 400 and < 500 && status != HttpStatusCode.TooManyRequests;

    private void ConfigureSocket(ClientWebSocketOptions socket)
    {
        // WebSocket pings that must be answered: a connection that died without a word (a cut network) is noticed.
        socket.KeepAliveInterval = _options.KeepAliveInterval;
        socket.KeepAliveTimeout = _options.ReplyTimeout;
        _options.ConfigureSocket?.Invoke(socket);
    }

    /// <summary>Reads one socket's frames until it closes; whoever waits for an answer on it is told it is lost.</summary>
    private async Task PumpAsync(HeartRuleClient socket)
    {
        var events = new List<ConnectionEvent>();
        try
        {
            await foreach (var frame in socket.Frames.ReadAllAsync(_stop.Token))
            {
                lock (_lock) Dispatch(socket, frame, events);
                foreach (var e in events) await _events.Writer.WriteAsync(e, _stop.Token);
                events.Clear();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            // Disposed, or given up.
        }
        finally
        {
            lock (_lock)
            {
                foreach (var reply in _replies.Values.Where(r => r.Socket == socket))
                    reply.Answer.TrySetException(new ConnectionLostException("The socket closed before the answer came."));
            }
        }
    }

    private void Dispatch(HeartRuleClient socket, Frame frame, List<ConnectionEvent> events)
    {
        switch (frame)
        {
            case SessionStartedFrame started: Answer(started.RequestId, frame, events); break;
            case SessionAttachedFrame attached: Answer(attached.RequestId, frame, events); break;
            case AckFrame ack: Answer(ack.RequestId, frame, events); break;
            case ErrorFrame error:
                if (error.RequestId is { } requestId && Answer(requestId, frame, events)) break;
                if (error.SessionId is { } errorSession && _sessions.TryGetValue(errorSession, out var starting)
                    && starting.StartRequestId == error.RequestId && starting.Begun?.TrySetResult(error) == true) break;
                events.Add(new ErrorReceived(error));
                break;
            case MessageFrame message:
                if (Sequenced(socket, message.SessionId, message.Seq) is { } messageSession)
                {
                    messageSession.Previews.Complete(message.MessageId);
                    events.Add(new MessageReceived(message));
                }
                break;
            case TurnCompletedFrame turn:
                if (Sequenced(socket, turn.SessionId, turn.Seq) is not null) events.Add(new TurnEnded(turn));
                break;
            case MessageDeltaFrame delta:
                if (!_sessions.TryGetValue(delta.SessionId, out var streaming)) break;
                var change = streaming.Previews.Add(delta);
                if (change.IsNone) break;
                events.Add(change.Discarded
                    ? new MessagePreviewRemoved(delta.SessionId, delta.MessageId, Discarded: true)
                    : new MessagePreview(delta.SessionId, delta.MessageId, change.Text!));
                break;
            case AuthRefreshedFrame refreshed: events.Add(new TokenRefreshed(refreshed.ExpiresAt)); break;
            // The keep-alive's answers, and the warning the socket answers itself with auth.refresh.
            case PongFrame or AuthExpiringFrame: break;
            default: events.Add(new FrameReceived(frame)); break;
        }
    }

    /// <summary>Completes the request this frame answers, if it is one of ours still waiting.</summary>
    private bool Answer(string requestId, Frame frame, List<ConnectionEvent> events)
    {
        if (!_replies.Remove(requestId, out var reply)) return false;
        reply.OnAnswer?.Invoke(frame, events);
        reply.Answer.TrySetResult(frame);
        return true;
    }

    /// <summary>The followed session if this event is its next one; a duplicate is dropped, a gap drops the socket to resume.</summary>
    private SessionState? Sequenced(HeartRuleClient socket, Guid sessionId, long seq)
    {
        if (!_sessions.TryGetValue(sessionId, out var state)) return null;
        switch (state.Gate.Offer(seq))
        {
            case SeqVerdict.Deliver:
                state.Begun?.TrySetResult(null);
                return state;
            case SeqVerdict.Gap:
                // Never expected of the gateway; attaching again from the last delivered seq fills it.
                socket.Abort();
                return null;
            default:
                return null;
        }
    }

    private void EnsureRoomForSession()
    {
        lock (_lock)
        {
            if (_sessions.Count >= _options.MaxSessions)
                throw new InvalidOperationException($"This connection follows {_sessions.Count} sessions, its MaxSessions: detach one first.");
        }
    }

    private void Forget(Guid sessionId)
    {
        lock (_lock) _sessions.Remove(sessionId);
    }

    private async ValueTask EmitAsync(ConnectionEvent e)
    {
        try
        {
            await _events.Writer.WriteAsync(e, _stop.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            // Disposed: nobody is listening any more.
        }
    }

    /// <summary>
    /// Closes the socket with a closing handshake and stops: inputs not acknowledged yet are cancelled, and
    /// <see cref="Events"/> completes.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _stop.Cancel();
        _outbox.Writer.TryComplete();
        // The supervisor closes the socket it holds (HeartRuleClient.DisposeAsync: the closing handshake).
        await Task.WhenAll(_supervisor, _sender);
        while (_outbox.Reader.TryRead(out var left)) left.Done.TrySetCanceled();
        lock (_lock) _connected.TrySetCanceled();
        _events.Writer.TryComplete();
        _stop.Dispose();
    }

    private sealed record Link(HeartRuleClient Socket, Uri Gateway, Task Pump);

    private sealed record Reply(HeartRuleClient Socket, TaskCompletionSource<Frame> Answer, Action<Frame, List<ConnectionEvent>>? OnAnswer);

    private sealed class SessionState(long lastSeq, bool debug)
    {
        public SequenceGate Gate { get; } = new(lastSeq);
        public DeltaAssembler Previews { get; } = new();
        public bool Debug { get; } = debug;
        /// <summary>For a session this connection started: the start's request, refused or begun.</summary>
        public string? StartRequestId { get; init; }
        /// <summary>Completes with the first event of a started session (null), or the error that refused the start.</summary>
        public TaskCompletionSource<ErrorFrame?>? Begun { get; init; }
    }

    private sealed class PendingInput(Guid sessionId, string clientMessageId, string text, CancellationToken cancellation)
    {
        public Guid SessionId { get; } = sessionId;
        public string ClientMessageId { get; } = clientMessageId;
        public string Text { get; } = text;
        public CancellationToken Cancellation { get; } = cancellation;
        public TaskCompletionSource<string> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
