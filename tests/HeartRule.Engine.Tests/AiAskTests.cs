using System.Text.Json.Nodes;

namespace HeartRule.Engine.Tests;

public class AiAskTests
{
    private const string AskTwo = """
        - action_type: ai_ask
          action_id: ask
          config:
            content: Tell me about your week
            exit: both fields known
            max_rounds: 2
            output:
              - { get: mood, define: the client's mood }
              - { get: event, define: the main event }
        - action_type: ai_say
          action_id: after
          config: { content: "Mood {mood}, event {event}", require_acknowledgment: false }
        """;

    [Fact]
    public async Task Outputs_found_in_the_reply_are_written_at_once_even_while_asking_on()
    {
        var script = Yaml.Session(AskTwo);
        var chat = new ScriptedChatClient(
            """{"EXIT": false, "content": "How was your week?"}""",
            """{"EXIT": false, "mood": "tired", "event": "", "content": "What happened?"}""");
        var executor = new ScriptExecutor(chat);
        var r1 = await executor.StartAsync(script, null);
        var r2 = await executor.ContinueAsync(script, r1.State, "I'm tired");
        Assert.Equal(ExecutionStatus.WaitingInput, r2.Status);
        Assert.Equal(["What happened?"], r2.Messages.Select(m => m.Content));
        Assert.Equal((2, 2), (r2.Position.CurrentRound, r2.Position.MaxRounds));
        var change = Assert.Single(r2.ChangedVariables);
        Assert.Equal(("mood", "topic", "tired"), (change.Name, change.Scope, change.NewValue!.GetValue<string>()));
    }

    [Fact]
    public async Task At_max_rounds_missing_outputs_come_from_an_extraction_call()
    {
        var script = Yaml.Session(AskTwo);
        var chat = new ScriptedChatClient(
            """{"EXIT": false, "content": "How was your week?"}""",
            """{"EXIT": false, "mood": "tired", "content": "What happened?"}""",
            """{"EXIT": false, "content": "Anything else?"}""",
            """{"event": "a deadline"}""",
            """{"content": "Mood tired, event a deadline"}""");
        var executor = new ScriptExecutor(chat);
        var r = await executor.StartAsync(script, null);
        r = await executor.ContinueAsync(script, r.State, "tired");
        r = await executor.ContinueAsync(script, r.State, "there was a deadline");
        Assert.Equal(ExecutionStatus.Completed, r.Status);
        Assert.Equal(["Mood tired, event a deadline"], r.Messages.Select(m => m.Content));   // the follow-up "Anything else?" is discarded
        Assert.Equal("extract", chat.Purpose(3));
        Assert.Equal(["event"], (string[])chat.Calls[3].Options!.AdditionalProperties![LlmHints.Outputs]!);
        Assert.Equal(["ai_ask", "extract", "ai_say"], r.LlmCalls.Select(c => c.Purpose));
        Assert.Equal(["ask", "ask", "after"], r.LlmCalls.Select(c => c.ActionId));
    }

    [Fact]
    public async Task When_extraction_finds_nothing_the_raw_answer_is_kept()
    {
        var script = Yaml.Session(AskTwo);
        var chat = new ScriptedChatClient(
            """{"EXIT": false, "content": "How was your week?"}""",
            """{"EXIT": true, "mood": "calm"}""",
            "I could not tell.",
            """{"content": "done"}""");
        var executor = new ScriptExecutor(chat);
        var r = await executor.StartAsync(script, null);
        r = await executor.ContinueAsync(script, r.State, "calm, nothing much happened");
        Assert.Equal(ExecutionStatus.Completed, r.Status);
        var topic = r.State.VariablesByScope()["topic"];
        Assert.Equal("calm", topic["mood"]!.GetValue<string>());
        Assert.Equal("calm, nothing much happened", topic["event"]!.GetValue<string>());
    }

    [Fact]
    public async Task Exit_flag_ends_the_ask_silently()
    {
        var script = Yaml.Session(AskTwo);
        var chat = new ScriptedChatClient(
            """{"EXIT": false, "content": "How was your week?"}""",
            """{"EXIT": "yes", "mood": "ok", "event": "a trip", "content": "Should not be shown"}""",
            """{"content": "next"}""");
        var executor = new ScriptExecutor(chat);
        var r = await executor.StartAsync(script, null);
        r = await executor.ContinueAsync(script, r.State, "ok, went on a trip");
        Assert.Equal(["next"], r.Messages.Select(m => m.Content));
        Assert.Equal(3, chat.Calls.Count);   // no extraction needed
    }

    [Fact]
    public async Task An_empty_answer_is_asked_again_without_a_model_call_or_a_round()
    {
        var script = Yaml.Session(AskTwo);
        var chat = new OfflineCountingClient();
        var executor = new ScriptExecutor(chat);
        var r = await executor.StartAsync(script, null);
        var calls = chat.Count;
        r = await executor.ContinueAsync(script, r.State, "  ");
        Assert.Equal(calls, chat.Count);
        Assert.Equal(["Take your time. Whenever you're ready, please share your answer."], r.Messages.Select(m => m.Content));
        Assert.Equal((ExecutionStatus.WaitingInput, 1), (r.Status, r.Position.CurrentRound));
    }

    [Fact]
    public async Task A_plain_question_completes_after_one_answer_even_if_the_model_wants_more()
    {
        var script = Yaml.Session("""
            - action_type: ai_ask
              action_id: q
              config: { content: Anything else on your mind? }
            """);
        var chat = new ScriptedChatClient("""{"content": "Anything else?"}""", """{"EXIT": false, "content": "Tell me more"}""");
        var executor = new ScriptExecutor(chat);
        var r = await executor.StartAsync(script, null);
        r = await executor.ContinueAsync(script, r.State, "No");
        Assert.Equal(ExecutionStatus.Completed, r.Status);
        Assert.Empty(r.Messages);
    }

    [Fact]
    public async Task The_answer_reaches_the_model_with_the_conversation()
    {
        var script = Yaml.Session(AskTwo);
        var chat = new ScriptedChatClient("""{"content": "How was your week?"}""", """{"EXIT": false, "content": "Go on"}""");
        var executor = new ScriptExecutor(chat);
        var r = await executor.StartAsync(script, null);
        await executor.ContinueAsync(script, r.State, "rough");
        Assert.Contains("Counsellor: How was your week?\nClient: rough", chat.Calls[1].Prompt);
        Assert.Equal("rough", chat.Calls[1].Options!.AdditionalProperties![LlmHints.LastAnswer]);
        Assert.Contains("- \"mood\": the client's mood", chat.Calls[1].Prompt);
    }
}

internal sealed class OfflineCountingClient : Microsoft.Extensions.AI.DelegatingChatClient
{
    public OfflineCountingClient() : base(new OfflineChatClient()) { }
    public int Count { get; private set; }
    public override Task<Microsoft.Extensions.AI.ChatResponse> GetResponseAsync(IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages, Microsoft.Extensions.AI.ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Count++;
        return base.GetResponseAsync(messages, options, cancellationToken);
    }
}
