using System.Text.Json;
using HeartRule.Contracts;

namespace HeartRule.Persistence.Tests.Fixtures;

/// <summary>TurnCompleted events as the Sessions service publishes them, with predictable sequence numbers.</summary>
public static class TestTurns
{
    /// <summary>Sequence numbers of turn N start at N × this, so every turn has room for its messages and summary.</summary>
    public const int SeqPerTurn = 10;

    public static TurnCompleted Turn(
        Guid sessionId, int turn, string userId = "user-a", string scriptId = "intake", int scriptVersion = 1,
        int aiMessages = 1, bool userMessage = true, string executionStatus = "waiting_input",
        IReadOnlyList<VariableChangeRecord>? changes = null, ErrorInfo? error = null, string? role = null)
    {
        var seq = (long)turn * SeqPerTurn;
        var at = DateTimeOffset.UtcNow;
        var messages = new List<SessionMessage>();
        if (userMessage && turn > 0)
            messages.Add(new SessionMessage { Seq = ++seq, MessageId = Guid.NewGuid(), Role = role ?? "user", Content = $"answer {turn}", Timestamp = at });
        for (var i = 0; i < aiMessages; i++)
        {
            messages.Add(new SessionMessage
            {
                Seq = ++seq, MessageId = Guid.NewGuid(), Role = "assistant", Content = $"question {turn}.{i}", ActionId = $"ask_{turn}",
                Metadata = JsonSerializer.SerializeToElement(new { actionType = "ai_ask", round = 1 }), Timestamp = at,
            });
        }
        var completed = executionStatus == "completed";
        return new TurnCompleted
        {
            SessionId = sessionId, UserId = userId, ScriptId = scriptId, ScriptVersion = scriptVersion, Turn = turn,
            ClientMessageId = turn > 0 ? $"client-{turn}" : null, Messages = messages,
            Summary = new TurnSummary
            {
                Seq = ++seq, ExecutionStatus = executionStatus,
                Position = new SessionPosition(0, "p1", 0, "t1", turn, $"ask_{turn}", "ai_ask", 1, 3),
                ChangedVariables = changes ?? [],
                Variables = new Dictionary<string, IReadOnlyDictionary<string, JsonElement>>
                {
                    ["session"] = new Dictionary<string, JsonElement> { ["turns_seen"] = JsonSerializer.SerializeToElement(turn) },
                },
                LlmCalls = [], Error = error,
            },
            SessionStatus = completed ? "completed" : "active",
            StateJson = JsonSerializer.Serialize(new { turn }),
            StateVersion = turn + 1,
            CompletedAt = at,
        };
    }

    /// <summary>A turn that gave the crisis response, as the safety net reports it.</summary>
    public static TurnCompleted Flagged(Guid id, int turn, string level, string user) => Turn(id, turn, user) is var t
        ? t with
        {
            Summary = t.Summary with
            {
                Safety = new SafetyReport(level, true, true, ["en.suicide.ideation"], "screen:suicide", "en@1", []),
            },
        }
        : t;

    public static VariableChangeRecord Change(string name, object? oldValue, object? newValue, string scope = "session", string? actionId = "ask_1") =>
        new(name, scope, oldValue is null ? null : JsonSerializer.SerializeToElement(oldValue), newValue is null ? null : JsonSerializer.SerializeToElement(newValue), actionId);
}
