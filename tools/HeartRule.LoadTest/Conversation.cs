using System.Diagnostics;
using System.Text.Json;
using HeartRule.Protocol;

namespace HeartRule.LoadTest;

/// <summary>What one turn looked like from the client: stopwatch timestamps of each step, 0 when it did not happen.</summary>
public sealed record TurnTiming(
    bool Ok, string? Error, string? ExecutionStatus, long SentAt, long AckAt, long FirstDeltaAt, long LastMessageAt, long CompletedAt,
    DateTimeOffset SentWall, DateTimeOffset? CommittedWall, double LlmMs);

/// <summary>
/// One user with one socket and one session at a time, speaking the protocol like a person would: start a
/// session, answer each question, start again when the script ends. One turn at a time.
/// </summary>
public sealed class Conversation
{
    private readonly string _scriptId;
    private readonly bool _debug;
    private readonly Lock _lock = new();
    private LoadSocket? _socket;
    private TaskCompletionSource<TurnTiming>? _turn;
    private long _sentAt, _ackAt, _firstDeltaAt, _lastMessageAt;
    private DateTimeOffset _sentWall;
    private DateTimeOffset? _committed;
    private string? _requestId;
    private int _sequence;

    public Conversation(int index, string scriptId, bool debug)
    {
        Index = index;
        _scriptId = scriptId;
        _debug = debug;
    }

    public int Index { get; }
    public Guid SessionId { get; private set; }
    public int Restarts { get; private set; }
    /// <summary>Answers given in the current session.</summary>
    public int Answers { get; private set; }
    /// <summary>
    /// Conversation i leaves its first session after i mod <paramref name="stagger"/> answers (0: never). All
    /// conversations start together and advance together, so without this every session of the run would end,
    /// and restart, in the same second — a burst of session starts that real traffic does not have.
    /// </summary>
    public bool LeavesEarly(int stagger) => stagger > 0 && Restarts == 1 && Answers == Index % stagger && Answers > 0;
    public bool IsOpen => _socket?.IsOpen == true;

    public async Task ConnectAsync(Uri server, string token, HttpMessageInvoker invoker, CancellationToken ct) =>
        _socket = await LoadSocket.ConnectAsync(Targets.WebSocketUri(server), token, invoker, (_, frame) => OnFrame(frame), ct);

    /// <summary>Starts a session and waits for its opening turn.</summary>
    public Task<TurnTiming> StartSessionAsync(CancellationToken ct)
    {
        Restarts++;
        Answers = 0;
        SessionId = Guid.Empty;
        return RunAsync(id => new SessionStartFrame { RequestId = id, ScriptId = _scriptId, Debug = _debug ? true : null }, ct);
    }

    public Task<TurnTiming> AnswerAsync(string text, CancellationToken ct)
    {
        Answers++;
        return RunAsync(id => new InputFrame { RequestId = id, SessionId = SessionId, ClientMessageId = id, Text = text }, ct);
    }

    public Task CloseAsync() => _socket?.CloseAsync() ?? Task.CompletedTask;

    private async Task<TurnTiming> RunAsync(Func<string, Frame> frame, CancellationToken ct)
    {
        var turn = new TaskCompletionSource<TurnTiming>(TaskCreationOptions.RunContinuationsAsynchronously);
        var requestId = $"c{Index}-{++_sequence}";
        var payload = ProtocolJson.Serialize(frame(requestId));
        lock (_lock)
        {
            _turn = turn;
            _requestId = requestId;
            _ackAt = _firstDeltaAt = _lastMessageAt = 0;
            _committed = null;
            _sentWall = DateTimeOffset.UtcNow;
            _sentAt = Stopwatch.GetTimestamp();
        }
        try
        {
            await _socket!.SendAsync(payload, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Failed($"send: {ex.GetType().Name}");
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            return await turn.Task.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Failed(_socket.IsOpen ? "timeout" : $"socket closed ({_socket.CloseStatus})");
        }
    }

    private TurnTiming Failed(string error)
    {
        lock (_lock)
        {
            _turn = null;
            return new TurnTiming(false, error, null, _sentAt, _ackAt, _firstDeltaAt, _lastMessageAt, 0, _sentWall, _committed, 0);
        }
    }

    private void OnFrame(ReadOnlySpan<byte> json)
    {
        var now = Stopwatch.GetTimestamp();
        // Deltas are most of the traffic and only their arrival matters: no need to parse them.
        if (FrameSniffer.TypeIs(json, "message.delta"u8))
        {
            lock (_lock)
            {
                if (_firstDeltaAt == 0) _firstDeltaAt = now;
            }
            return;
        }
        var frame = ProtocolJson.Parse(json).Frame;
        lock (_lock)
        {
            switch (frame)
            {
                case SessionStartedFrame started when started.RequestId == _requestId:
                    SessionId = started.SessionId;
                    break;
                case AckFrame ack when ack.RequestId == _requestId:
                    _ackAt = now;
                    break;
                case MessageFrame message when message.SessionId == SessionId:
                    _lastMessageAt = now;
                    if (message.Role != "user") _committed = message.Timestamp;
                    break;
                case TurnCompletedFrame completed when completed.SessionId == SessionId && _turn is not null:
                    _turn.TrySetResult(new TurnTiming(completed.Error is null, completed.Error?.ToString(), completed.ExecutionStatus,
                        _sentAt, _ackAt, _firstDeltaAt, _lastMessageAt, now, _sentWall, _committed, LlmMilliseconds(completed.Debug)));
                    _turn = null;
                    break;
                case ErrorFrame error when _turn is not null && (error.RequestId == _requestId || error.SessionId == SessionId):
                    _turn.TrySetResult(new TurnTiming(false, error.Code, null, _sentAt, _ackAt, _firstDeltaAt, _lastMessageAt, now, _sentWall, _committed, 0));
                    _turn = null;
                    break;
            }
        }
    }

    private static double LlmMilliseconds(JsonElement? debug)
    {
        if (debug is not { ValueKind: JsonValueKind.Object } d || !d.TryGetProperty("llmCalls", out var calls) || calls.ValueKind != JsonValueKind.Array) return 0;
        return calls.EnumerateArray().Sum(c => c.TryGetProperty("latencyMs", out var ms) && ms.ValueKind == JsonValueKind.Number ? ms.GetDouble() : 0);
    }
}
