using System.Text.Json;
using HeartRule.Contracts;
using HeartRule.Protocol;

namespace HeartRule.Gateway.Tests;

public class FrameFactoryTests
{
    private static readonly Guid Session = Guid.NewGuid();

    private static TurnCompleted Turn() => new()
    {
        SessionId = Session, UserId = "u", ScriptId = "intake", ScriptVersion = 1, Turn = 1, ClientMessageId = "c1",
        Messages =
        [
            new SessionMessage { Seq = 4, MessageId = Guid.NewGuid(), Role = "user", Content = "Alex", Timestamp = DateTimeOffset.UnixEpoch },
            new SessionMessage { Seq = 5, MessageId = Guid.NewGuid(), Role = "assistant", Content = "Hello Alex", ActionId = "greet", Timestamp = DateTimeOffset.UnixEpoch },
        ],
        Summary = new TurnSummary
        {
            Seq = 6, ExecutionStatus = "waiting_input", Position = new SessionPosition(0, "p", 0, "t", 1, "greet", "ai_say", 1, 1),
            ChangedVariables = [new VariableChangeRecord("client_name", "topic", null, JsonSerializer.SerializeToElement("Alex"), "ask_name")],
            Variables = new Dictionary<string, IReadOnlyDictionary<string, JsonElement>>(),
            LlmCalls = [new LlmCall("greet", "ai_say", "offline", "PROMPT", "RESPONSE", 1, 2, 3, "stop")],
        },
        SessionStatus = "active", StateJson = "{}", StateVersion = 2, CompletedAt = DateTimeOffset.UnixEpoch,
    };

    [Fact]
    public void A_turn_becomes_its_messages_then_its_summary_in_seq_order()
    {
        var frames = FrameFactory.FromTurn(Turn());
        Assert.Equal([4L, 5L, 6L], frames.Select(f => f.Seq!.Value));
        Assert.Contains("\"type\":\"message\"", frames[0].Json);
        Assert.Contains("\"type\":\"turn.completed\"", frames[2].Json);
    }

    [Fact]
    public void Only_the_debug_variant_carries_prompts()
    {
        var summary = FrameFactory.FromTurn(Turn())[^1];
        Assert.DoesNotContain("PROMPT", summary.Json);
        Assert.Contains("PROMPT", summary.DebugJson);
        Assert.Contains("client_name", summary.Json);
    }

    [Fact]
    public void A_rejection_is_an_error_frame_outside_the_sequence()
    {
        var frame = FrameFactory.FromRejection(new TurnRejected
        {
            SessionId = Session, UserId = "u", RequestId = "r7", Error = new ErrorInfo(ErrorCodes.SessionCompleted, "ended", false),
        });
        Assert.Null(frame.Seq);
        Assert.Contains("SESSION_COMPLETED", frame.Json);
        Assert.Contains("\"requestId\":\"r7\"", frame.Json);
    }
}
