using System.Text;
using HeartRule.Contracts;
using HeartRule.Engine;

namespace HeartRule.ScriptEngine;

/// <summary>
/// Forwards the engine's token stream of one turn as <see cref="MessageDeltaProduced"/> events, and names each
/// streamed message so that the final message carries the id its deltas had.
/// Tokens are coalesced (a piece goes out every <see cref="FlushInterval"/> at most, the first one
/// <see cref="FlushInterval"/> after the message's first token) and sent as transient, unconfirmed-in-line
/// messages: a delta that is lost costs a moment of preview, never a message, since the final message is the
/// durable one. Awaiting the broker for every word made streaming the turn's bottleneck, and a message generated
/// faster than the interval needs no preview at all: its final message is as quick (docs/benchmarks.md).
/// </summary>
public sealed class DeltaStreamer(Guid sessionId, Func<MessageDeltaProduced, Task> publish, TimeProvider time)
{
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(40);

    private readonly List<Guid> _finished = [];
    /// <summary>Messages of this turn that had pieces sent, with the index their next piece would have had.</summary>
    private readonly Dictionary<Guid, int> _shown = [];
    private readonly List<Task> _sends = [];
    private readonly StringBuilder _pending = new();
    private Guid? _current;
    private int _index;
    private long _lastFlush;

    public ValueTask OnDelta(MessageDelta delta)
    {
        if (_current is null)
        {
            _current = Guid.NewGuid();
            _lastFlush = time.GetTimestamp();
        }
        if (delta is { Discarded: true, RetractsTurn: true })
        {
            // The whole turn is replaced (by the crisis response): every message a client was shown a piece of goes.
            _pending.Clear();
            foreach (var (id, next) in _shown) Send(new MessageDeltaProduced { SessionId = sessionId, MessageId = id, Index = next, Text = "", Discarded = true });
            _shown.Clear();
            _finished.Clear();
            Reset();
            return ValueTask.CompletedTask;
        }
        if (delta.Discarded)
        {
            // The engine threw this message away (e.g. a follow-up question it decided not to ask): clients that were
            // shown pieces of it must drop them; if none went out, there is nothing to take back.
            _pending.Clear();
            if (_index > 0)
            {
                Send(new MessageDeltaProduced { SessionId = sessionId, MessageId = _current.Value, Index = _index, Text = "", Discarded = true });
                _shown.Remove(_current.Value);
            }
            Reset();
            return ValueTask.CompletedTask;
        }
        if (delta.IsFinal)
        {
            // The final message carries the whole text: what is still pending need not be streamed.
            _pending.Clear();
            _finished.Add(_current.Value);
            Reset();
            return ValueTask.CompletedTask;
        }
        _pending.Append(delta.Text);
        if (_pending.Length > 0 && time.GetElapsedTime(_lastFlush) >= FlushInterval) Flush();
        return ValueTask.CompletedTask;
    }

    /// <summary>Waits for the pieces sent, so none of them can arrive after the turn's final messages are routed.</summary>
    public Task CompleteAsync() => Task.WhenAll(_sends);

    /// <summary>The id of the turn's n-th message: the one its deltas used, or a new one if it was not streamed.</summary>
    public Guid MessageIdAt(int n) => n < _finished.Count ? _finished[n] : Guid.NewGuid();

    private void Flush()
    {
        Send(new MessageDeltaProduced { SessionId = sessionId, MessageId = _current!.Value, Index = _index++, Text = _pending.ToString() });
        _shown[_current.Value] = _index;
        _pending.Clear();
        _lastFlush = time.GetTimestamp();
    }

    private void Send(MessageDeltaProduced delta) => _sends.Add(publish(delta));

    private void Reset()
    {
        _current = null;
        _index = 0;
    }
}
