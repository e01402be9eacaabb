using System.Text;
using HeartRule.Protocol;

namespace HeartRule.Client;

/// <summary>What a <c>message.delta</c> changed: the preview to show now, or that it is gone.</summary>
internal readonly record struct PreviewChange(Guid MessageId, string? Text, bool Discarded)
{
    public static PreviewChange None => default;
    public bool IsNone => MessageId == Guid.Empty;
}

/// <summary>
/// Puts the streamed pieces of AI messages (<c>message.delta</c>) back together. Pieces may arrive out of order: the
/// preview is the run of pieces from index 0 with none missing, and grows as the gaps fill. A <c>discarded</c> piece
/// removes the preview; the final <c>message</c> replaces it. Pieces that come after either are ignored. Not thread-safe.
/// </summary>
internal sealed class DeltaAssembler(int maxOpenMessages = 64, int maxWaitingPieces = 1024)
{
    // Enough to recognise the late pieces of recent messages; older ids are forgotten first.
    private const int FinishedMemory = 256;

    private readonly Dictionary<Guid, Stream> _open = [];
    private readonly LinkedList<Guid> _openOrder = [];
    private readonly HashSet<Guid> _finished = [];
    private readonly Queue<Guid> _finishedOrder = new();

    /// <summary>Messages with a preview under way.</summary>
    public IReadOnlyCollection<Guid> Open => _open.Keys;

    public PreviewChange Add(MessageDeltaFrame delta)
    {
        if (_finished.Contains(delta.MessageId) || delta.Index < 0) return PreviewChange.None;
        if (delta.Discarded == true)
        {
            var shown = Remove(delta.MessageId);
            Finish(delta.MessageId);
            return shown ? new PreviewChange(delta.MessageId, null, Discarded: true) : PreviewChange.None;
        }
        if (!_open.TryGetValue(delta.MessageId, out var stream))
        {
            if (_open.Count >= maxOpenMessages) Remove(_openOrder.First!.Value);
            stream = new Stream(_openOrder.AddLast(delta.MessageId));
            _open[delta.MessageId] = stream;
        }
        if (!stream.Add(delta.Index, delta.Text, maxWaitingPieces)) return PreviewChange.None;
        return new PreviewChange(delta.MessageId, stream.Text.ToString(), Discarded: false);
    }

    /// <summary>The final message arrived: its preview (if any) is replaced, and later pieces of it are ignored.</summary>
    public void Complete(Guid messageId)
    {
        Remove(messageId);
        Finish(messageId);
    }

    /// <summary>Forgets every preview under way (their streams were cut off): returns their ids.</summary>
    public IReadOnlyList<Guid> Clear()
    {
        var ids = _open.Keys.ToList();
        _open.Clear();
        _openOrder.Clear();
        return ids;
    }

    private bool Remove(Guid messageId)
    {
        if (!_open.Remove(messageId, out var stream)) return false;
        _openOrder.Remove(stream.Node);
        return true;
    }

    private void Finish(Guid messageId)
    {
        if (!_finished.Add(messageId)) return;
        _finishedOrder.Enqueue(messageId);
        if (_finishedOrder.Count > FinishedMemory) _finished.Remove(_finishedOrder.Dequeue());
    }

    private sealed class Stream(LinkedListNode<Guid> node)
    {
        private readonly Dictionary<int, string> _waiting = [];
        private int _next;

        public LinkedListNode<Guid> Node { get; } = node;
        public StringBuilder Text { get; } = new();

        /// <summary>True when the preview grew.</summary>
        public bool Add(int index, string text, int maxWaiting)
        {
            if (index < _next || _waiting.ContainsKey(index)) return false;
            if (index > _next)
            {
                // A piece far ahead of a missing one: the preview cannot grow past the gap anyway; the final message fills it.
                if (_waiting.Count < maxWaiting) _waiting[index] = text;
                return false;
            }
            Text.Append(text);
            _next++;
            while (_waiting.Remove(_next, out var following))
            {
                Text.Append(following);
                _next++;
            }
            return true;
        }
    }
}
