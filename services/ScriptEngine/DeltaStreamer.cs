using HeartRule.Contracts;
using HeartRule.Engine;
using MassTransit;

namespace HeartRule.ScriptEngine;

/// <summary>
/// Forwards the engine's token stream of one turn as <see cref="MessageDeltaProduced"/> events, and names each
/// streamed message so that the final message carries the id its deltas had.
/// </summary>
public sealed class DeltaStreamer(Guid sessionId, IPublishEndpoint publisher, CancellationToken ct)
{
    private readonly List<Guid> _finished = [];
    private Guid? _current;
    private int _index;

    public async ValueTask OnDelta(MessageDelta delta)
    {
        _current ??= Guid.NewGuid();
        if (delta.Discarded)
        {
            // The engine threw this message away (e.g. a follow-up question it decided not to ask).
            if (_index > 0)
                await publisher.Publish(new MessageDeltaProduced { SessionId = sessionId, MessageId = _current.Value, Index = _index, Text = "", Discarded = true }, ct);
            _current = null;
            _index = 0;
            return;
        }
        if (!delta.IsFinal && delta.Text.Length > 0)
        {
            await publisher.Publish(new MessageDeltaProduced { SessionId = sessionId, MessageId = _current.Value, Index = _index++, Text = delta.Text }, ct);
        }
        if (delta.IsFinal)
        {
            _finished.Add(_current.Value);
            _current = null;
            _index = 0;
        }
    }

    /// <summary>The id of the turn's n-th message: the one its deltas used, or a new one if it was not streamed.</summary>
    public Guid MessageIdAt(int n) => n < _finished.Count ? _finished[n] : Guid.NewGuid();
}
