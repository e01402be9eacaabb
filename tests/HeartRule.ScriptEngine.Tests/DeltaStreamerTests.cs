using HeartRule.Contracts;
using HeartRule.Engine;
using Microsoft.Extensions.Time.Testing;

namespace HeartRule.ScriptEngine.Tests;

public sealed class DeltaStreamerTests
{
    private readonly List<MessageDeltaProduced> _sent = [];
    private readonly FakeTimeProvider _time = new();
    private readonly Guid _sessionId = Guid.NewGuid();

    private DeltaStreamer NewStreamer() => new(_sessionId, d =>
    {
        _sent.Add(d);
        return Task.CompletedTask;
    }, _time);

    private static MessageDelta Token(string text) => new("ask", "ai_ask", 1, text);

    [Fact]
    public async Task A_message_written_within_the_flush_interval_is_not_streamed()
    {
        var streamer = NewStreamer();
        foreach (var word in "Hello there, how are you?".Split(' ')) await streamer.OnDelta(Token(word + " "));
        await streamer.OnDelta(Token("Hello there, how are you?") with { IsFinal = true });
        await streamer.CompleteAsync();

        Assert.Empty(_sent);
        // The final message still gets an id of its own.
        Assert.NotEqual(Guid.Empty, streamer.MessageIdAt(0));
    }

    [Fact]
    public async Task A_slow_message_is_streamed_in_pieces_every_interval_and_its_final_message_keeps_their_id()
    {
        var streamer = NewStreamer();
        await streamer.OnDelta(Token("Hello "));
        _time.Advance(TimeSpan.FromMilliseconds(10));
        await streamer.OnDelta(Token("there, "));
        Assert.Empty(_sent); // nothing before the first interval has passed since the first token

        _time.Advance(DeltaStreamer.FlushInterval);
        await streamer.OnDelta(Token("how "));
        _time.Advance(TimeSpan.FromMilliseconds(5));
        await streamer.OnDelta(Token("are "));
        _time.Advance(DeltaStreamer.FlushInterval);
        await streamer.OnDelta(Token("you?"));
        await streamer.OnDelta(Token("Hello there, how are you?") with { IsFinal = true });
        await streamer.CompleteAsync();

        Assert.Equal(["Hello there, how ", "are you?"], _sent.Select(d => d.Text));
        Assert.Equal([0, 1], _sent.Select(d => d.Index));
        Assert.All(_sent, d => Assert.Equal(streamer.MessageIdAt(0), d.MessageId));
        Assert.All(_sent, d => Assert.Equal(_sessionId, d.SessionId));
    }

    [Fact]
    public async Task A_discarded_message_is_taken_back_only_if_pieces_of_it_went_out()
    {
        var streamer = NewStreamer();
        await streamer.OnDelta(Token("Maybe "));
        await streamer.OnDelta(Token("") with { Discarded = true });
        Assert.Empty(_sent);

        await streamer.OnDelta(Token("Perhaps "));
        _time.Advance(DeltaStreamer.FlushInterval);
        await streamer.OnDelta(Token("we "));
        await streamer.OnDelta(Token("") with { Discarded = true });
        await streamer.CompleteAsync();

        Assert.Equal(2, _sent.Count);
        Assert.Equal("Perhaps we ", _sent[0].Text);
        Assert.True(_sent[1].Discarded);
        Assert.Equal(_sent[0].MessageId, _sent[1].MessageId);
        Assert.Equal(1, _sent[1].Index);
    }
}
