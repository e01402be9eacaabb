namespace HeartRule.Client;

/// <summary>What to do with a sequenced event (a <c>message</c> or <c>turn.completed</c>).</summary>
internal enum SeqVerdict
{
    /// <summary>The next one: deliver it.</summary>
    Deliver,
    /// <summary>Already delivered (a replay overlapping what arrived live): drop it.</summary>
    Duplicate,
    /// <summary>One or more before it are missing: drop it, and resume from the last delivered seq to fill the gap.</summary>
    Gap,
}

/// <summary>
/// One session's place in its event sequence (1, 2, 3 … with no gaps, docs/protocol.md "Sequence numbers"): every
/// seq is delivered once, in order. Not thread-safe.
/// </summary>
internal sealed class SequenceGate(long lastSeq = 0)
{
    /// <summary>The highest seq delivered: where a resume starts (<c>session.attach {lastSeq}</c>).</summary>
    public long LastSeq { get; private set; } = lastSeq;

    public SeqVerdict Offer(long seq)
    {
        if (seq <= LastSeq) return SeqVerdict.Duplicate;
        if (seq != LastSeq + 1) return SeqVerdict.Gap;
        LastSeq = seq;
        return SeqVerdict.Deliver;
    }
}
