using HeartRule.Protocol;

namespace HeartRule.Client.Tests;

public sealed class DeltaAssemblerTests
{
    private static readonly Guid Session = Guid.NewGuid();

    private static MessageDeltaFrame Piece(Guid messageId, int index, string text, bool discarded = false) =>
        new() { SessionId = Session, MessageId = messageId, Index = index, Text = text, Discarded = discarded ? true : null };

    [Fact]
    public void Pieces_in_order_grow_the_preview()
    {
        var assembler = new DeltaAssembler();
        var id = Guid.NewGuid();

        Assert.Equal("Wel", assembler.Add(Piece(id, 0, "Wel")).Text);
        Assert.Equal("Welcome", assembler.Add(Piece(id, 1, "come")).Text);
        Assert.Equal("Welcome to", assembler.Add(Piece(id, 2, " to")).Text);
    }

    [Fact]
    public void A_piece_ahead_of_a_missing_one_waits_until_the_gap_is_filled()
    {
        var assembler = new DeltaAssembler();
        var id = Guid.NewGuid();

        Assert.True(assembler.Add(Piece(id, 2, " to")).IsNone);
        Assert.True(assembler.Add(Piece(id, 1, "come")).IsNone);
        Assert.Equal("Welcome to", assembler.Add(Piece(id, 0, "Wel")).Text);
    }

    [Fact]
    public void A_piece_that_comes_twice_is_used_once()
    {
        var assembler = new DeltaAssembler();
        var id = Guid.NewGuid();
        assembler.Add(Piece(id, 0, "Wel"));
        assembler.Add(Piece(id, 2, " to"));

        Assert.True(assembler.Add(Piece(id, 0, "Wel")).IsNone);
        Assert.True(assembler.Add(Piece(id, 2, " to")).IsNone);
        Assert.Equal("Welcome to", assembler.Add(Piece(id, 1, "come")).Text);
    }

    [Fact]
    public void A_discarded_piece_removes_the_preview_and_later_pieces_are_ignored()
    {
        var assembler = new DeltaAssembler();
        var id = Guid.NewGuid();
        assembler.Add(Piece(id, 0, "Shall I"));

        var removed = assembler.Add(Piece(id, 2, "", discarded: true));
        Assert.True(removed.Discarded);
        Assert.Equal(id, removed.MessageId);
        Assert.Empty(assembler.Open);
        // A piece overtaken by the discard does not bring the preview back.
        Assert.True(assembler.Add(Piece(id, 1, " ask")).IsNone);
    }

    [Fact]
    public void A_discard_of_a_message_never_previewed_changes_nothing()
    {
        var assembler = new DeltaAssembler();

        Assert.True(assembler.Add(Piece(Guid.NewGuid(), 0, "", discarded: true)).IsNone);
    }

    [Fact]
    public void The_final_message_replaces_the_preview_and_late_pieces_are_ignored()
    {
        var assembler = new DeltaAssembler();
        var id = Guid.NewGuid();
        assembler.Add(Piece(id, 0, "Wel"));

        assembler.Complete(id);
        Assert.Empty(assembler.Open);
        Assert.True(assembler.Add(Piece(id, 1, "come")).IsNone);
        Assert.Empty(assembler.Open);
    }

    [Fact]
    public void Clear_forgets_every_preview_under_way_and_names_them()
    {
        var assembler = new DeltaAssembler();
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
        assembler.Add(Piece(a, 0, "one"));
        assembler.Add(Piece(b, 0, "two"));

        Assert.Equal(new[] { a, b }.Order(), assembler.Clear().Order());
        Assert.Empty(assembler.Open);
        // Not finished: the stream of a cleared message can start over.
        Assert.Equal("one", assembler.Add(Piece(a, 0, "one")).Text);
    }

    [Fact]
    public void Open_previews_are_bounded_the_oldest_goes_first()
    {
        var assembler = new DeltaAssembler(maxOpenMessages: 2);
        var (a, b, c) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        assembler.Add(Piece(a, 0, "a"));
        assembler.Add(Piece(b, 0, "b"));
        assembler.Add(Piece(c, 0, "c"));

        Assert.Equal(new[] { b, c }.Order(), assembler.Open.Order());
    }

    [Fact]
    public void Pieces_waiting_for_a_gap_are_bounded()
    {
        var assembler = new DeltaAssembler(maxWaitingPieces: 2);
        var id = Guid.NewGuid();
        assembler.Add(Piece(id, 1, "b"));
        assembler.Add(Piece(id, 2, "c"));
        assembler.Add(Piece(id, 3, "d"));

        // The fourth piece was not kept: the preview stops where it is missing.
        Assert.Equal("abc", assembler.Add(Piece(id, 0, "a")).Text);
    }
}
