using System.Diagnostics;
using System.Net.WebSockets;
using HeartRule.Protocol;

namespace HeartRule.IntegrationTests.Faults;

/// <summary>How one input ended, as its client saw it.</summary>
public enum InputOutcome
{
    /// <summary>Acked, then answered by a turn without an error.</summary>
    Answered,
    /// <summary>Acked, then answered by a turn that carries an error.</summary>
    AnsweredWithError,
    /// <summary>Acked and never answered: what must not happen.</summary>
    Lost,
    /// <summary>Never acked although retried for two minutes.</summary>
    NeverAcked,
    /// <summary>Refused with an error that is not retryable.</summary>
    Rejected,
}

/// <param name="Refusals">Retryable refusals (SERVICE_UNAVAILABLE) before the ack; the client sent it again each time.</param>
public sealed record InputResult(string Phase, InputOutcome Outcome, long SentAt, long AckedAt, long EndedAt, int Refusals, int Reconnects, string? Error, string ClientMessageId)
{
    public TimeSpan Latency => Stopwatch.GetElapsedTime(SentAt, EndedAt);
}

/// <summary>Something a client saw that must never happen, at the time it saw it.</summary>
public sealed record Anomaly(long At, string What);

/// <summary>
/// One person's conversation on the loadtest script, with the client behaviour the protocol asks for: an input is
/// sent again with the same <c>clientMessageId</c> until it is acked; a socket that is lost (or does not answer) is
/// replaced by one to the other gateway node, attached at the last <c>seq</c> received. It records every duplicate,
/// gap or reordering of the session's events it is sent.
/// </summary>
public sealed class FaultConversation(SystemFixture system, int index, Action<Anomaly> anomaly)
{
    // Longer than the gateway's accept timeout (5 s), so that its retryable refusal arrives before the client gives up on the socket.
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan AckDeadline = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan AnswerDeadline = TimeSpan.FromSeconds(90);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, TaskCompletionSource<Frame>> _replies = [];
    private readonly Dictionary<string, long> _userTexts = [];
    private readonly List<Guid> _sessions = [];
    private HeartRuleClient? _client;
    private string? _token;
    private int _node = index % 2;
    private int _requests, _inputs;
    private string? _startRequestId;
    private Guid _sessionId;
    private long _lastSeq;
    private (string Text, long? UserSeq, TaskCompletionSource<TurnCompletedFrame> Done)? _pending;

    public string UserId { get; } = $"faults-{index}";
    public int Index => index;

    /// <summary>Every session this conversation ran, with the user texts it saw answered in each.</summary>
    public IReadOnlyList<Guid> Sessions
    {
        get { lock (_lock) return [.. _sessions]; }
    }

    /// <summary>The inputs this client saw echoed (seq and text), by session.</summary>
    public Dictionary<Guid, List<(long Seq, string Text)>> Echoed { get; } = [];

    public bool NeedsNewSession { get; private set; } = true;

    /// <summary>Starts a session (again, until one starts) and waits for its opening turn.</summary>
    public async Task StartSessionAsync(CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(AckDeadline.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            if (Stopwatch.GetTimestamp() > deadline) throw new TimeoutException($"{UserId}: no session started in {AckDeadline}.");
            try
            {
                var client = await ConnectedAsync(ct);
                var done = new TaskCompletionSource<TurnCompletedFrame>(TaskCreationOptions.RunContinuationsAsynchronously);
                var requestId = NextRequestId();
                var reply = Expect(requestId);
                lock (_lock)
                {
                    _startRequestId = requestId;
                    _pending = ("", 0, done);
                }
                await client.SendAsync(new SessionStartFrame { RequestId = requestId, ScriptId = "loadtest" }, ct);
                if (await reply.WaitAsync(ReplyTimeout, ct) is ErrorFrame error)
                {
                    if (!error.Retryable) throw new InvalidOperationException($"{UserId}: session.start refused with {error.Code}.");
                    await Task.Delay(250, ct);
                    continue;
                }
                await done.Task.WaitAsync(AnswerDeadline, ct);
                NeedsNewSession = false;
                return;
            }
            catch (Exception ex) when (ex is TimeoutException or WebSocketException or ChannelClosed)
            {
                // The socket (or what is behind it) went away mid-start: start again; an orphaned session is no input.
                await DropAsync();
            }
        }
    }

    /// <summary>Says something and waits for its turn.</summary>
    public async Task<InputResult> SayAsync(string phase, CancellationToken ct)
    {
        var text = $"Answer {++_inputs} from {UserId}: busy week, slept badly.";
        var clientMessageId = $"{UserId}-{_inputs}";
        var done = new TaskCompletionSource<TurnCompletedFrame>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock) _pending = (text, null, done);
        var sentAt = Stopwatch.GetTimestamp();
        int refusals = 0, reconnects = 0;
        long ackedAt = 0;
        InputResult Result(InputOutcome outcome, string? error = null) =>
            new(phase, outcome, sentAt, ackedAt, Stopwatch.GetTimestamp(), refusals, reconnects, error, clientMessageId);

        // Until acked: the same clientMessageId every time, on whatever socket there is.
        while (true)
        {
            if (Stopwatch.GetElapsedTime(sentAt) > AckDeadline) return Result(InputOutcome.NeverAcked);
            try
            {
                var client = await ConnectedAsync(ct);
                var requestId = NextRequestId();
                var reply = Expect(requestId);
                await client.SendAsync(new InputFrame { RequestId = requestId, SessionId = _sessionId, ClientMessageId = clientMessageId, Text = text }, ct);
                var answer = await reply.WaitAsync(ReplyTimeout, ct);
                if (answer is AckFrame)
                {
                    ackedAt = Stopwatch.GetTimestamp();
                    break;
                }
                var error = (ErrorFrame)answer;
                if (error.Code == "SESSION_COMPLETED")
                {
                    NeedsNewSession = true;
                    return Result(InputOutcome.Rejected, error.Code);
                }
                if (!error.Retryable) return Result(InputOutcome.Rejected, error.Code);
                refusals++;
                await Task.Delay(250, ct);
            }
            catch (Exception ex) when (ex is TimeoutException or WebSocketException or ChannelClosed)
            {
                reconnects++;
                await DropAsync();
            }
        }

        // Acked: the answer comes live, or in the replay of the next socket if this one is lost meanwhile.
        while (!done.Task.IsCompleted)
        {
            if (Stopwatch.GetElapsedTime(sentAt) > AnswerDeadline + AckDeadline) return Result(InputOutcome.Lost);
            try
            {
                var client = await ConnectedAsync(ct);
                await Task.WhenAny(done.Task, Task.Delay(TimeSpan.FromSeconds(1), ct));
                if (client.State != WebSocketState.Open)
                {
                    reconnects++;
                    await DropAsync();
                }
            }
            catch (Exception ex) when (ex is TimeoutException or WebSocketException or ChannelClosed)
            {
                reconnects++;
                await DropAsync();
            }
        }
        var turn = await done.Task;
        if (turn.ExecutionStatus == "completed") NeedsNewSession = true;
        return turn.Error is null ? Result(InputOutcome.Answered) : Result(InputOutcome.AnsweredWithError, turn.Error.Value.GetProperty("code").GetString());
    }

    public async Task CloseAsync()
    {
        if (_client is not null) await _client.DisposeAsync();
    }

    private string NextRequestId() => $"{UserId}-r{Interlocked.Increment(ref _requests)}";

    private Task<Frame> Expect(string requestId)
    {
        var reply = new TaskCompletionSource<Frame>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock) _replies[requestId] = reply;
        return reply.Task;
    }

    /// <summary>The open socket, or a new one to the other node (attached where the last one left off).</summary>
    private async Task<HeartRuleClient> ConnectedAsync(CancellationToken ct)
    {
        if (_client is { State: WebSocketState.Open } open) return open;
        await DropAsync();
        // Each new socket goes to the other node: the one this client was on may be the one that is down.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                _token ??= await system.TokenAsync(UserId, _node);
                var client = await HeartRuleClient.ConnectAsync(system.GatewayWs(_node), _token, ct: ct, keepAlive: SystemFixture.IdleTimeout / 4);
                _client = client;
                _ = PumpAsync(client);
                Guid sessionId;
                long lastSeq;
                lock (_lock) (sessionId, lastSeq) = (_sessionId, _lastSeq);
                if (sessionId != Guid.Empty && !NeedsNewSession)
                {
                    var requestId = NextRequestId();
                    var reply = Expect(requestId);
                    await client.SendAsync(new SessionAttachFrame { RequestId = requestId, SessionId = sessionId, LastSeq = lastSeq }, ct);
                    if (await reply.WaitAsync(ReplyTimeout, ct) is ErrorFrame error) throw new WebSocketException($"attach refused: {error.Code}");
                }
                return client;
            }
            catch (Exception ex) when (ex is WebSocketException or HttpRequestException or TimeoutException or ChannelClosed && attempt < 400)
            {
                if (_client is null) _node = 1 - _node;
                await DropAsync();
                await Task.Delay(250, ct);
            }
        }
    }

    private async Task DropAsync()
    {
        var client = _client;
        _client = null;
        if (client is null) return;
        _node = 1 - _node;
        await client.DisposeAsync();
    }

    private async Task PumpAsync(HeartRuleClient client)
    {
        await foreach (var frame in client.Frames.ReadAllAsync()) OnFrame(frame);
        // The socket is gone: whoever waits for a reply on it hears so at once.
        lock (_lock)
        {
            foreach (var reply in _replies.Values) reply.TrySetException(new ChannelClosed());
            _replies.Clear();
        }
    }

    private void OnFrame(Frame frame)
    {
        lock (_lock)
        {
            switch (frame)
            {
                case SessionStartedFrame started when started.RequestId == _startRequestId:
                    (_sessionId, _lastSeq) = (started.SessionId, 0);
                    _sessions.Add(started.SessionId);
                    Echoed[started.SessionId] = [];
                    _userTexts.Clear();
                    Reply(started.RequestId, frame);
                    break;
                case SessionStartedFrame started: Reply(started.RequestId, frame); break;
                case SessionAttachedFrame attached: Reply(attached.RequestId, frame); break;
                case AckFrame ack: Reply(ack.RequestId, frame); break;
                case ErrorFrame { RequestId: { } requestId }: Reply(requestId, frame); break;
                case MessageFrame message when message.SessionId == _sessionId:
                    if (!InSequence(message.Seq)) break;
                    if (message.Role == "user")
                    {
                        if (!_userTexts.TryAdd(message.Content, message.Seq)) Report($"{UserId}: input \"{message.Content}\" answered twice (seq {_userTexts[message.Content]} and {message.Seq})");
                        Echoed[_sessionId].Add((message.Seq, message.Content));
                        if (_pending is { } p && p.Text == message.Content) _pending = p with { UserSeq = message.Seq };
                    }
                    break;
                case TurnCompletedFrame completed when completed.SessionId == _sessionId:
                    if (!InSequence(completed.Seq)) break;
                    if (_pending is { UserSeq: { } userSeq } pending && completed.Seq > userSeq)
                    {
                        pending.Done.TrySetResult(completed);
                        _pending = null;
                    }
                    break;
            }
        }
    }

    private void Reply(string requestId, Frame frame)
    {
        if (_replies.Remove(requestId, out var reply)) reply.TrySetResult(frame);
    }

    /// <summary>Every seq once, in order, with no gap: anything else is an anomaly.</summary>
    private bool InSequence(long seq)
    {
        if (seq <= _lastSeq)
        {
            Report($"{UserId}: seq {seq} delivered again (last {_lastSeq}) on session {_sessionId}");
            return false;
        }
        if (seq != _lastSeq + 1) Report($"{UserId}: seq {seq} after {_lastSeq} on session {_sessionId} (a gap)");
        _lastSeq = seq;
        return true;
    }

    private void Report(string what) => anomaly(new Anomaly(Stopwatch.GetTimestamp(), what));

    /// <summary>The socket closed while a reply was awaited.</summary>
    private sealed class ChannelClosed() : Exception("The socket closed.");
}
