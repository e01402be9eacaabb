using System.Text.Json.Nodes;

namespace HeartRule.Engine.Tests;

public class VariableTests
{
    private static Dictionary<string, JsonNode?> Vars(params (string, JsonNode?)[] items) => items.ToDictionary(i => i.Item1, i => i.Item2);

    [Theory]
    [InlineData("Hi {name}", "Hi Ann")]
    [InlineData("Hi {{name}}", "Hi Ann")]
    [InlineData("Hi {{ name }}", "Hi Ann")]
    [InlineData("Hi ${name}", "Hi Ann")]
    [InlineData("Hi {unknown} and {name}", "Hi {unknown} and Ann")]
    [InlineData("{count} items: {list}; {flag}; {obj}", "3 items: a, b; true; {\"k\":1}")]
    [InlineData("Literal {\"json\": 1} stays", "Literal {\"json\": 1} stays")]
    [InlineData("你好 {名字}", "你好 小明")]
    public void Substitution_accepts_three_syntaxes_and_leaves_unknowns(string text, string expected)
    {
        var vars = Vars(("name", "Ann"), ("count", 3), ("list", new JsonArray("a", "b")), ("flag", true), ("obj", new JsonObject { ["k"] = 1 }), ("名字", "小明"));
        Assert.Equal(expected, Placeholders.Substitute(text, n => vars.TryGetValue(n, out var v) ? (true, v) : (false, null)));
    }

    private const string TwoTopics = """
        session:
          session_id: scopes
          declare:
            - { var: shared, value: from_session }
            - { var: blank }
          phases:
            - phase_id: p1
              declare:
                - { var: phase_var }
              topics:
                - topic_id: t1
                  actions:
                    - action_type: ai_ask
                      action_id: a1
                      config:
                        content: Q1
                        output: [ { get: topic_var }, { get: phase_var }, { get: blank } ]
                - topic_id: t2
                  actions:
                    - action_type: ai_say
                      action_id: s2
                      config: { content: "{topic_var}|{phase_var}|{blank}|{shared}|{only_global}", require_acknowledgment: false }
            - phase_id: p2
              topics:
                - topic_id: t3
                  actions:
                    - action_type: ai_say
                      action_id: s3
                      config: { content: "{phase_var}|{blank}", require_acknowledgment: false }
        """;

    [Fact]
    public async Task Outputs_land_in_the_declaring_scope_and_reads_go_inner_to_outer()
    {
        var script = TestScripts.LoadValid(TwoTopics);
        var executor = new ScriptExecutor(new OfflineChatClient());
        var start = await executor.StartAsync(script, Vars(("shared", "from_global"), ("only_global", "g"), ("blank", "global_blank")));
        // The session's starting value is recorded, and shadows the global of the same name.
        Assert.Contains(start.ChangedVariables, c => c is { Name: "shared", Scope: "session" });
        var end = await executor.ContinueAsync(script, start.State, "x");
        Assert.Equal(
            [("topic_var", "topic"), ("phase_var", "phase"), ("blank", "session")],
            end.ChangedVariables.Select(c => (c.Name, c.Scope)));
        // t2 cannot see t1's topic variable; it sees the phase and session ones, and the global fallback.
        Assert.Equal(["{topic_var}|x|x|from_session|g", "{phase_var}|x"], end.Messages.Select(m => m.Content));
        Assert.Equal(ExecutionStatus.Completed, end.Status);
    }

    [Fact]
    public async Task A_declaration_without_value_does_not_hide_a_global()
    {
        var script = TestScripts.LoadValid(TwoTopics);
        var start = await new ScriptExecutor(new OfflineChatClient()).StartAsync(script, Vars(("blank", "global_blank")));
        Assert.Equal("global_blank", start.State.VisibleVariables()["blank"]!.GetValue<string>());
        Assert.Equal("from_session", start.State.VariablesByScope()["session"]["shared"]!.GetValue<string>());
    }

    [Fact]
    public async Task Variables_by_scope_shows_the_current_phase_and_topic_only()
    {
        var script = TestScripts.LoadValid(TwoTopics.Replace("""config: { content: "{phase_var}|{blank}", require_acknowledgment: false }""", """config: { content: "{phase_var}|{blank}" }"""));
        var executor = new ScriptExecutor(new OfflineChatClient());
        var r = await executor.StartAsync(script, null);
        r = await executor.ContinueAsync(script, r.State, "x");
        Assert.Equal(("p2", "t3"), (r.Position.PhaseId, r.Position.TopicId));
        var scopes = r.State.VariablesByScope();
        Assert.Empty(scopes["phase"]);
        Assert.Empty(scopes["topic"]);
        Assert.Equal("x", scopes["session"]["blank"]!.GetValue<string>());
    }

    [Fact]
    public async Task Ai_think_fills_outputs_without_speaking()
    {
        var script = Yaml.Session("""
            - action_type: ai_ask
              action_id: ask
              config: { content: How are you? }
            - action_type: ai_think
              action_id: think
              config:
                content: Judge the client's mood
                output: [ { get: mood, define: one word } ]
            - action_type: ai_say
              action_id: say
              config: { content: "Mood: {mood}", require_acknowledgment: false }
            """);
        var chat = new ScriptedChatClient("""{"content": "How are you?"}""", """{"EXIT": true}""", """{"mood": "anxious", "reasoning": "worried words"}""", """{"content": "Mood: anxious"}""");
        var executor = new ScriptExecutor(chat);
        var r = await executor.StartAsync(script, null);
        r = await executor.ContinueAsync(script, r.State, "worried about work");
        Assert.Equal(["Mood: anxious"], r.Messages.Select(m => m.Content));
        Assert.Equal("ai_think", chat.Purpose(2));
        Assert.Contains("Judge the client's mood", chat.Calls[2].Prompt);
        Assert.Contains(r.ChangedVariables, c => c.Name == "mood" && c.ActionId == "think");
    }

    [Fact]
    public async Task Offline_ai_think_derives_outputs_from_the_latest_client_message()
    {
        var script = Yaml.Session("""
            - action_type: ai_ask
              action_id: ask
              config: { content: How are you? }
            - action_type: ai_think
              action_id: think
              config:
                content: Judge the mood
                output: [ { get: mood } ]
            """);
        var executor = new ScriptExecutor(new OfflineChatClient());
        var r = await executor.StartAsync(script, null);
        r = await executor.ContinueAsync(script, r.State, "a bit low");
        Assert.Equal("a bit low", r.State.VisibleVariables()["mood"]!.GetValue<string>());
    }

    [Fact]
    public async Task False_conditions_skip_actions_and_entry_conditions_skip_phases()
    {
        var yaml = """
            session:
              session_id: cond
              declare: [ { var: score } ]
              phases:
                - phase_id: p1
                  topics:
                    - topic_id: t1
                      actions:
                        - { action_type: ai_say, action_id: low, condition: "score < 5", config: { content: low, require_acknowledgment: false } }
                        - { action_type: ai_say, action_id: high, condition: "score >= 5", config: { content: high, require_acknowledgment: false } }
                - phase_id: p2
                  entry_condition: score > 8
                  topics:
                    - topic_id: t2
                      actions:
                        - { action_type: ai_say, action_id: very_high, config: { content: very high, require_acknowledgment: false } }
                - phase_id: p3
                  topics:
                    - topic_id: t3
                      actions:
                        - { action_type: ai_say, action_id: end, config: { content: end, require_acknowledgment: false } }
            """;
        var script = TestScripts.LoadValid(yaml);
        var executor = new ScriptExecutor(new OfflineChatClient());
        async Task<string[]> Run(int score) =>
            (await executor.StartAsync(script, Vars(("score", score)))).Messages.Select(m => m.Content).ToArray();
        Assert.Equal(["low", "end"], await Run(2));
        Assert.Equal(["high", "end"], await Run(6));
        Assert.Equal(["high", "very high", "end"], await Run(9));
    }
}
