using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace HeartRule.Engine.Tests;

public class ExecutorBehaviourTests
{
    private static readonly Script Intake = TestScripts.LoadValid(TestScripts.ReadSample("sessions/intake.yaml"));

    [Fact]
    public async Task A_failing_model_gives_a_typed_error_and_the_unchanged_state_so_the_turn_can_be_retried()
    {
        var executor = new ScriptExecutor(new OfflineChatClient());
        var start = await executor.StartAsync(Intake, null);
        var before = start.State.ToJson();

        var broken = new ScriptExecutor(new ScriptedChatClient((_, _) => throw new HttpRequestException("connection refused")));
        var failed = await broken.ContinueAsync(Intake, start.State, "Alex");
        Assert.Equal(ExecutionStatus.Error, failed.Status);
        Assert.Equal((EngineErrorCodes.LlmUnavailable, true, "ask_name"), (failed.Error!.Code, failed.Error.Retryable, failed.Error.ActionId));
        // The internal detail is kept for the log, not put in the client's message.
        Assert.DoesNotContain("connection refused", failed.Error.Message);
        Assert.Equal("connection refused", failed.Error.Cause!.Message);
        Assert.Empty(failed.Messages);
        Assert.Equal(before, failed.State.ToJson());

        var retried = await executor.ContinueAsync(Intake, failed.State, "Alex");
        Assert.Equal(["Nice to meet you, Alex. What brings you here today?"], retried.Messages.Select(m => m.Content));
    }

    [Fact]
    public async Task An_unexpected_failure_is_a_retryable_typed_error_that_shows_the_client_nothing_internal()
    {
        var broken = new ScriptExecutor(new ScriptedChatClient((_, _) => throw new InvalidOperationException("secret at /srv/heartrule/keys.json")));

        var r = await broken.StartAsync(Intake, null);

        Assert.Equal((ExecutionStatus.Error, EngineErrorCodes.ActionExecutionError, true), (r.Status, r.Error!.Code, r.Error.Retryable));
        Assert.DoesNotContain("secret", r.Error.Message);
        Assert.Contains("send the same input again", r.Error.Message);
        Assert.IsType<InvalidOperationException>(r.Error.Cause);
        Assert.Contains("secret", System.Text.Json.JsonSerializer.Serialize(r.Error.Cause.Message));
        Assert.DoesNotContain("secret", System.Text.Json.JsonSerializer.Serialize(r.Error));
    }

    [Fact]
    public async Task A_timeout_is_reported_as_llm_timeout()
    {
        var broken = new ScriptExecutor(new ScriptedChatClient((_, _) => throw new LlmTimeoutException("No answer within 1 s")));
        var r = await broken.StartAsync(Intake, new Dictionary<string, JsonNode?> { ["x"] = 1 });
        Assert.Equal((ExecutionStatus.Error, EngineErrorCodes.LlmTimeout), (r.Status, r.Error!.Code));
        Assert.False(r.State.Started);
        // Retrying the start on the returned state keeps the initial variables.
        var retried = await new ScriptExecutor(new OfflineChatClient()).ContinueAsync(Intake, r.State, "");
        Assert.Equal(ExecutionStatus.WaitingInput, retried.Status);
        Assert.Equal(1, retried.State.VariablesByScope()["global"]["x"]!.GetValue<int>());
        Assert.Equal(2, retried.Messages.Count);
    }

    [Fact]
    public async Task The_caller_cancelling_is_not_swallowed()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new ScriptExecutor(new OfflineChatClient()).StartAsync(Intake, null, ct: cts.Token));
    }

    [Fact]
    public async Task A_state_from_another_script_is_refused()
    {
        var other = Yaml.Session("- { action_type: ai_say, action_id: x, config: { content: x } }");
        var start = await new ScriptExecutor(new OfflineChatClient()).StartAsync(other, null);
        var r = await new ScriptExecutor(new OfflineChatClient()).ContinueAsync(Intake, start.State, "hi");
        Assert.Equal((ExecutionStatus.Error, EngineErrorCodes.StateMismatch), (r.Status, r.Error!.Code));
    }

    [Fact]
    public async Task Continuing_a_completed_session_produces_nothing()
    {
        var script = Yaml.Session("- { action_type: ai_say, action_id: x, config: { content: x, require_acknowledgment: false } }");
        var executor = new ScriptExecutor(new OfflineChatClient());
        var done = await executor.StartAsync(script, null);
        Assert.Equal(ExecutionStatus.Completed, done.Status);
        var again = await executor.ContinueAsync(script, done.State, "hello?");
        Assert.Equal(ExecutionStatus.Completed, again.Status);
        Assert.Empty(again.Messages);
        Assert.Empty(again.LlmCalls);
    }

    [Fact]
    public async Task The_callers_state_object_is_never_mutated()
    {
        var executor = new ScriptExecutor(new OfflineChatClient());
        var start = await executor.StartAsync(Intake, null);
        var json = start.State.ToJson();
        await executor.ContinueAsync(Intake, start.State, "Alex");
        Assert.Equal(json, start.State.ToJson());
    }

    [Fact]
    public async Task State_round_trips_through_json_with_history_and_position()
    {
        var executor = new ScriptExecutor(new OfflineChatClient());
        var r = await executor.StartAsync(Intake, null);
        r = await executor.ContinueAsync(Intake, r.State, "Alex");
        var restored = EngineState.FromJson(r.State.ToJson());
        Assert.Equal(r.State.ToJson(), restored.ToJson());
        Assert.Equal((ExecutionStatus.WaitingInput, 2, "intake"), (restored.Status, restored.Turn, restored.ScriptId));
        Assert.Equal(["assistant", "assistant", "user", "assistant"], restored.History.Select(h => h.Role));
        Assert.Throws<System.Text.Json.JsonException>(() => EngineState.FromJson("{\"frames\": []}"));
    }

    [Fact]
    public async Task The_state_keeps_a_bounded_history_that_still_holds_the_clients_last_words_and_the_prompt_window()
    {
        var executor = new ScriptExecutor(new OfflineChatClient());
        var named = await executor.ContinueAsync(Intake, (await executor.StartAsync(Intake, null)).State, "Alex");
        var held = ScriptExecutor.Record(ScriptExecutor.TakeOver(named.State, "counsellor-1"), "user", "I slept badly all week.");
        for (var i = 1; i <= 500; i++) held = ScriptExecutor.Record(held, "counsellor", $"Counsellor line {i}.");

        // The client's last words stay however much is said after them; the rest is the most recent lines.
        Assert.Equal(StateData.HistoryKept + 1, held.History.Count);
        Assert.Equal("I slept badly all week.", held.History[0].Content);
        Assert.Equal("Counsellor line 500.", held.History[^1].Content);
        Assert.True(held.ToJson().Length < 8_000, $"the state is {held.ToJson().Length} characters after 500 lines");

        var model = new ScriptedChatClient("""{"reason": "sleep", "EXIT": true, "content": "Thank you."}""", """{"content": "Thank you, Alex."}""");
        await new ScriptExecutor(model).ContinueAsync(Intake, ScriptExecutor.HandBack(held), "sleep");
        Assert.Contains("Counsellor line 492.", model.Calls[0].Prompt);
        Assert.DoesNotContain("Counsellor line 491.", model.Calls[0].Prompt);

        Assert.Throws<ArgumentOutOfRangeException>(() => new ScriptExecutor(new OfflineChatClient(), new EngineOptions { HistoryWindow = StateData.HistoryKept + 1 }));
    }

    [Fact]
    public async Task Every_llm_call_is_recorded_for_debugging()
    {
        var r = await new ScriptExecutor(new OfflineChatClient()).StartAsync(Intake, null);
        var call = r.LlmCalls[1];
        Assert.Equal(("ask_name", "ai_ask", "offline", "stop"), (call.ActionId, call.Purpose, call.Model, call.FinishReason));
        Assert.Contains("What name would you like me to call you?", call.Prompt);
        Assert.Contains("No diagnosis", call.Prompt);
        Assert.Equal("What name would you like me to call you?", System.Text.Json.Nodes.JsonNode.Parse(call.Response)!["content"]!.GetValue<string>());
        Assert.True(call.PromptTokens > 100);
        Assert.True(call.CompletionTokens > 0);
        Assert.True(call.LatencyMs >= 0);
    }

    [Fact]
    public async Task Prompts_carry_system_variables()
    {
        var chat = new ScriptedChatClient((_, _) => """{"content": "hi"}""");
        var time = new FixedTime(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var executor = new ScriptExecutor(chat, new EngineOptions { TimeProvider = time });
        await executor.StartAsync(Intake, new Dictionary<string, JsonNode?> { ["user_name"] = "Robin", ["counsellor_name"] = "Ms Lee" });
        var prompt = chat.Calls[0].Prompt;
        Assert.Contains("It is 2030-01-02T03:04:05Z. You are Ms Lee, continuing a conversation with Robin.", prompt);
        Assert.Contains("Tone: warm, calm", prompt);
        Assert.Contains("Round 1 of at most 1.", prompt);
    }

    [Fact]
    public async Task Streaming_sends_content_deltas_then_a_final_message()
    {
        var deltas = new List<MessageDelta>();
        var executor = new ScriptExecutor(new OfflineChatClient(), new EngineOptions { OnDelta = d => { deltas.Add(d); return ValueTask.CompletedTask; } });
        var r = await executor.StartAsync(Intake, null);
        var welcome = deltas.Where(d => d.ActionId == "welcome").ToList();
        Assert.True(welcome.Count(d => !d.IsFinal) > 3, "several partial deltas");
        Assert.Equal(r.Messages[0].Content, string.Concat(welcome.Where(d => !d.IsFinal).Select(d => d.Text)));
        Assert.Equal(r.Messages[0].Content, welcome.Single(d => d.IsFinal).Text);
        Assert.Equal(["welcome", "ask_name"], deltas.Where(d => d.IsFinal).Select(d => d.ActionId));
    }

    [Fact]
    public async Task A_streamed_follow_up_that_gets_discarded_is_retracted()
    {
        var deltas = new List<MessageDelta>();
        var chat = new ScriptedChatClient("""{"content": "Name?"}""", """{"content": "Thanks, and one more thing", "EXIT": true, "client_name": "Al"}""",
            """{"content": "Next question"}""");
        var executor = new ScriptExecutor(chat, new EngineOptions { OnDelta = d => { deltas.Add(d); return ValueTask.CompletedTask; } });
        var script = Yaml.Session("""
            - action_type: ai_ask
              action_id: ask
              config: { content: Name?, output: [ { get: client_name } ] }
            - { action_type: ai_ask, action_id: next, config: { content: Next question } }
            """);
        var r = await executor.StartAsync(script, null);
        deltas.Clear();
        r = await executor.ContinueAsync(script, r.State, "Al");
        Assert.Equal(["Next question"], r.Messages.Select(m => m.Content));
        var discarded = Assert.Single(deltas, d => d.Discarded);
        Assert.Equal("ask", discarded.ActionId);
        Assert.Equal("Thanks, and one more thing", string.Concat(deltas.Where(d => d.ActionId == "ask" && !d.IsFinal).Select(d => d.Text)));
    }

    [Fact]
    public async Task Exit_written_before_content_suppresses_streaming_of_the_discarded_text()
    {
        var deltas = new List<MessageDelta>();
        var chat = new ScriptedChatClient("""{"content": "Name?"}""", """{"EXIT": true, "client_name": "Al", "content": "never shown"}""", """{"content": "Bye"}""");
        var executor = new ScriptExecutor(chat, new EngineOptions { OnDelta = d => { deltas.Add(d); return ValueTask.CompletedTask; } });
        var script = Yaml.Session("""
            - action_type: ai_ask
              action_id: ask
              config: { content: Name?, output: [ { get: client_name } ] }
            - { action_type: ai_say, action_id: bye, config: { content: Bye, require_acknowledgment: false } }
            """);
        var r = await executor.StartAsync(script, null);
        deltas.Clear();
        await executor.ContinueAsync(script, r.State, "Al");
        Assert.DoesNotContain(deltas, d => d.ActionId == "ask");
    }

    [Fact]
    public async Task A_template_scheme_overrides_single_templates_from_a_folder()
    {
        var dir = Directory.CreateTempSubdirectory("heartrule-templates");
        try
        {
            Directory.CreateDirectory(Path.Combine(dir.FullName, "gentle", "en"));
            File.WriteAllText(Path.Combine(dir.FullName, "gentle", "en", "ai_ask.md"), "GENTLE ASK: {{task}} for {{user}}");
            var script = TestScripts.LoadValid(TestScripts.ReadSample("sessions/intake.yaml").Replace("  version: \"1.0\"\n  phases:", "  version: \"1.0\"\n  template_scheme: gentle\n  phases:"));
            Assert.Equal("gentle", script.TemplateScheme);
            var chat = new ScriptedChatClient((_, _) => """{"content": "x"}""");
            await new ScriptExecutor(chat, new EngineOptions { TemplatesDirectory = dir.FullName }).StartAsync(script, null);
            Assert.Contains("Safety boundaries", chat.Calls[0].Prompt);   // ai_say falls back to the embedded default
            Assert.Equal("GENTLE ASK: What name would you like me to call you? for the client", chat.Calls[1].Prompt);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("en", new[] { "Safety boundaries", "No diagnosis", "No prescriptions", "No guarantees", "Crisis recognition", "Privacy and neutrality", "not a replacement", "crisis_signal" })]
    [InlineData("zh-CN", new[] { "安全边界与伦理规范", "诊断禁止", "处方禁止", "保证禁止", "危机识别", "隐私与中立", "不能替代", "crisis_signal" })]
    public void Embedded_templates_all_carry_the_safety_section(string locale, string[] sections)
    {
        Assert.Equal(EmbeddedPromptTemplates.Locales.Count, EmbeddedPromptTemplates.Locales.Distinct().Count());
        foreach (var name in EmbeddedPromptTemplates.Names)
        {
            var text = EmbeddedPromptTemplates.Get(locale, name);
            Assert.NotNull(text);
            foreach (var section in sections) Assert.Contains(section, text);
        }
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
