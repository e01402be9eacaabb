namespace HeartRule.Engine.Tests;

public class AiSayTests
{
    private const string Next = """
        - action_type: ai_say
          action_id: after
          config: { content: After, require_acknowledgment: false }
        """;

    private static string Json(string content, int understanding = 0, bool exit = false, bool hasQuestions = false) =>
        new System.Text.Json.Nodes.JsonObject
        {
            ["EXIT"] = exit,
            ["content"] = content,
            ["assessment"] = new System.Text.Json.Nodes.JsonObject { ["understanding_level"] = understanding, ["has_questions"] = hasQuestions },
        }.ToJsonString();

    [Fact]
    public async Task Single_round_waits_for_an_empty_next_then_moves_on_silently()
    {
        var script = Yaml.Session("""
            - action_type: ai_say
              action_id: hello
              config: { content: Hello }
            """ + "\n" + Next);
        var chat = new ScriptedChatClient(Json("Hi there"), Json("After"));
        var executor = new ScriptExecutor(chat);
        var first = await executor.StartAsync(script, null);
        Assert.Equal(ExecutionStatus.WaitingInput, first.Status);
        Assert.Equal(["Hi there"], first.Messages.Select(m => m.Content));
        Assert.Equal((1, 1), (first.Position.CurrentRound, first.Position.MaxRounds));

        var second = await executor.ContinueAsync(script, first.State, "");
        Assert.Equal(ExecutionStatus.Completed, second.Status);
        Assert.Equal(["After"], second.Messages.Select(m => m.Content));
        Assert.Equal(2, chat.Calls.Count);
    }

    [Fact]
    public async Task Without_acknowledgment_it_completes_in_the_same_turn()
    {
        var script = Yaml.Session("""
            - action_type: ai_say
              action_id: hello
              config: { content: Hello, require_acknowledgment: false }
            """ + "\n" + Next);
        var result = await new ScriptExecutor(new OfflineChatClient()).StartAsync(script, null);
        Assert.Equal(ExecutionStatus.Completed, result.Status);
        Assert.Equal(["Hello", "After"], result.Messages.Select(m => m.Content));
        Assert.Equal(["hello", "after"], result.Messages.Select(m => m.ActionId));
    }

    [Fact]
    public async Task Multi_round_speaks_n_times_and_the_last_message_does_not_wait()
    {
        var script = Yaml.Session("""
            - action_type: ai_say
              action_id: explain
              config: { content: Explain, max_rounds: 3 }
            """ + "\n" + Next);
        var chat = new ScriptedChatClient(Json("one"), Json("two"), Json("three"), Json("After"));
        var executor = new ScriptExecutor(chat);
        var r1 = await executor.StartAsync(script, null);
        Assert.Equal((ExecutionStatus.WaitingInput, 1, 3), (r1.Status, r1.Position.CurrentRound, r1.Position.MaxRounds));
        var r2 = await executor.ContinueAsync(script, r1.State, "ok");
        Assert.Equal(["two"], r2.Messages.Select(m => m.Content));
        Assert.Equal((ExecutionStatus.WaitingInput, 2), (r2.Status, r2.Position.CurrentRound));
        var r3 = await executor.ContinueAsync(script, r2.State, "go on");
        Assert.Equal(ExecutionStatus.Completed, r3.Status);
        Assert.Equal([("three", 3), ("After", 1)], r3.Messages.Select(m => (m.Content, m.Round)));
        Assert.Contains("Client: go on", chat.Calls[2].Prompt);
    }

    [Theory]
    [InlineData(90, false, 2)]   // threshold met at round 2
    [InlineData(50, false, 3)]   // never understood: runs to max_rounds
    [InlineData(90, true, 3)]    // understood but still has questions
    public async Task Exit_criteria_end_it_early_only_when_every_checked_criterion_passes(int understanding, bool questions, int roundsSpoken)
    {
        var script = Yaml.Session("""
            - action_type: ai_say
              action_id: explain
              config:
                content: Explain
                max_rounds: 3
                exit_criteria: { understanding_threshold: 80, has_questions: false }
            """ + "\n" + Next);
        var chat = new ScriptedChatClient((o, i) => i == 0 ? Json("r1") : Json($"r{i + 1}", understanding, hasQuestions: questions).Replace("\"r4\"", "\"After\""));
        var executor = new ScriptExecutor(chat);
        var r = await executor.StartAsync(script, null);
        var spoken = 1;
        while (r.Status == ExecutionStatus.WaitingInput)
        {
            r = await executor.ContinueAsync(script, r.State, "I see");
            spoken += r.Messages.Count(m => m.ActionId == "explain");
        }
        Assert.Equal(roundsSpoken, spoken);
        Assert.Equal("after", r.Messages[^1].ActionId);
    }

    [Fact]
    public async Task Min_rounds_gates_the_exit_flag()
    {
        var script = Yaml.Session("""
            - action_type: ai_say
              action_id: explain
              config:
                content: Explain
                max_rounds: 4
                exit: The client says they understand
                exit_criteria: { min_rounds: 3 }
            """);
        var chat = new ScriptedChatClient((o, i) => Json($"r{i + 1}", exit: true));
        var executor = new ScriptExecutor(chat);
        var r = await executor.StartAsync(script, null);
        r = await executor.ContinueAsync(script, r.State, "got it");
        Assert.Equal(ExecutionStatus.WaitingInput, r.Status);   // round 2 < min_rounds 3
        r = await executor.ContinueAsync(script, r.State, "really");
        Assert.Equal(ExecutionStatus.Completed, r.Status);      // round 3: EXIT honoured
        Assert.Equal(["r3"], r.Messages.Select(m => m.Content));
    }

    [Fact]
    public async Task Custom_conditions_read_scoped_variables()
    {
        var script = Yaml.Session("""
            - action_type: ai_say
              action_id: explain
              config:
                content: Explain
                max_rounds: 5
                exit_criteria:
                  custom_conditions:
                    - { variable: ready, operator: "==", value: yes }
            """, sessionExtra: "declare:\n  - var: ready");
        var executor = new ScriptExecutor(new OfflineChatClient());
        var notReady = await executor.StartAsync(script, new Dictionary<string, System.Text.Json.Nodes.JsonNode?> { ["ready"] = "no" });
        notReady = await executor.ContinueAsync(script, notReady.State, "hm");
        Assert.Equal(ExecutionStatus.WaitingInput, notReady.Status);
        var ready = await executor.StartAsync(script, new Dictionary<string, System.Text.Json.Nodes.JsonNode?> { ["ready"] = "yes" });
        ready = await executor.ContinueAsync(script, ready.State, "hm");
        Assert.Equal(ExecutionStatus.Completed, ready.Status);
    }

    [Theory]
    [InlineData("```json\n{\"content\": \"fenced\"}\n```", "fenced")]
    [InlineData("Sure! Here it is: {\"content\": \"embedded\", \"EXIT\": false} Hope that helps.", "embedded")]
    [InlineData("Just plain words.", "Just plain words.")]
    [InlineData("{\"content\": \"\"}", "Hello Sam")]
    public async Task Replies_are_parsed_robustly_and_fall_back_safely(string reply, string expected)
    {
        var script = Yaml.Session("""
            - action_type: ai_say
              action_id: hello
              config: { content: "Hello {name}", require_acknowledgment: false }
            """, sessionExtra: "declare:\n  - var: name");
        var r = await new ScriptExecutor(new ScriptedChatClient(reply)).StartAsync(script, new Dictionary<string, System.Text.Json.Nodes.JsonNode?> { ["name"] = "Sam" });
        Assert.Equal([expected], r.Messages.Select(m => m.Content));
    }
}
