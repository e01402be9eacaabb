namespace HeartRule.Client.Tests;

public sealed class SequenceGateTests
{
    [Fact]
    public void Each_seq_is_delivered_once_in_order()
    {
        var gate = new SequenceGate();

        Assert.Equal(SeqVerdict.Deliver, gate.Offer(1));
        Assert.Equal(SeqVerdict.Deliver, gate.Offer(2));
        Assert.Equal(SeqVerdict.Duplicate, gate.Offer(2));
        Assert.Equal(SeqVerdict.Duplicate, gate.Offer(1));
        Assert.Equal(SeqVerdict.Deliver, gate.Offer(3));
        Assert.Equal(3, gate.LastSeq);
    }

    [Fact]
    public void A_gap_is_not_delivered_and_the_place_stays_where_the_resume_starts()
    {
        var gate = new SequenceGate();
        gate.Offer(1);

        Assert.Equal(SeqVerdict.Gap, gate.Offer(3));
        Assert.Equal(1, gate.LastSeq);
        Assert.Equal(SeqVerdict.Deliver, gate.Offer(2));
        Assert.Equal(SeqVerdict.Deliver, gate.Offer(3));
    }

    [Fact]
    public void An_attach_at_a_seq_starts_after_it()
    {
        var gate = new SequenceGate(lastSeq: 6);

        Assert.Equal(SeqVerdict.Duplicate, gate.Offer(6));
        Assert.Equal(SeqVerdict.Deliver, gate.Offer(7));
    }
}
