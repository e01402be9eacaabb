using HeartRule.Protocol;

namespace HeartRule.IntegrationTests;

/// <summary>One turn as a client sees it: the messages (in seq order) and the turn.completed that ends it.</summary>
public sealed record Turn(IReadOnlyList<MessageFrame> Messages, TurnCompletedFrame Completed)
{
    public IEnumerable<string> AiTexts => Messages.Where(m => m.Role == "assistant").Select(m => m.Content);
}

public static class TurnReader
{
    /// <summary>Reads frames up to the next turn.completed; acks, deltas and pongs are skipped, errors fail the test.</summary>
    public static async Task<Turn> ReadTurnAsync(this HeartRuleClient client, TimeSpan? timeout = null)
    {
        var messages = new List<MessageFrame>();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var frame = await client.NextAsync(deadline - DateTime.UtcNow);
            switch (frame)
            {
                case MessageFrame m: messages.Add(m); break;
                case TurnCompletedFrame t: return new Turn(messages, t);
                case ErrorFrame e: throw new Xunit.Sdk.XunitException($"Unexpected error frame {e.Code}: {e.Message}");
            }
        }
    }

    public static async Task<(Guid SessionId, Turn First)> StartAsync(this HeartRuleClient client, string scriptId, bool debug = false)
    {
        var requestId = Guid.NewGuid().ToString("N");
        await client.SendAsync(new SessionStartFrame { RequestId = requestId, ScriptId = scriptId, Debug = debug });
        var started = await client.WaitForAsync<SessionStartedFrame>(f => f.RequestId == requestId);
        return (started.SessionId, await client.ReadTurnAsync());
    }

    /// <summary>Attaches and waits for session.attached; an error frame in answer fails the test with its code.</summary>
    public static async Task AttachAsync(this HeartRuleClient client, Guid sessionId, long lastSeq = 0, bool debug = false)
    {
        var requestId = Guid.NewGuid().ToString("N");
        await client.SendAsync(new SessionAttachFrame { RequestId = requestId, SessionId = sessionId, LastSeq = lastSeq, Debug = debug });
        var answer = await client.WaitForAsync<Frame>(f => f is SessionAttachedFrame { RequestId: var r } && r == requestId || f is ErrorFrame { RequestId: var e } && e == requestId);
        if (answer is ErrorFrame error) throw new Xunit.Sdk.XunitException($"Attach refused: {error.Code}: {error.Message}");
    }

    public static async Task<Turn> SayAsync(this HeartRuleClient client, Guid sessionId, string text, string? clientMessageId = null)
    {
        var id = clientMessageId ?? Guid.NewGuid().ToString("N");
        await client.SendAsync(new InputFrame { RequestId = "r-" + id, SessionId = sessionId, ClientMessageId = id, Text = text });
        return await client.ReadTurnAsync();
    }
}
