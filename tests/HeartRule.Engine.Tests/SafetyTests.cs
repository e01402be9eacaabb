using System.Text.Json.Nodes;

namespace HeartRule.Engine.Tests;

/// <summary>
/// The safety net on the engine: the screen's reading of crises, idioms and denials in English and Chinese; golden
/// conversations on the offline provider; the model's own alarm and the second opinion, with a fake model.
/// </summary>
public class SafetyTests
{
    private static readonly Script Intake = TestScripts.LoadValid(TestScripts.ReadSample("sessions/intake.yaml"));

    [Theory]
    [InlineData("I don't want to be here any more", RiskLevel.High, false)]
    [InlineData("Honestly I just want to die", RiskLevel.High, false)]
    [InlineData("I'm going to kill myself tonight", RiskLevel.Imminent, false)]
    [InlineData("I took too many pills an hour ago", RiskLevel.Imminent, false)]
    [InlineData("My husband hits me when he drinks", RiskLevel.High, false)]
    [InlineData("I've started cutting myself again", RiskLevel.High, false)]
    [InlineData("我不想活了", RiskLevel.High, false)]
    [InlineData("我今晚就去死", RiskLevel.Imminent, false)]
    [InlineData("他喝醉了就打我", RiskLevel.High, false)]
    [InlineData("this homework is killing me", RiskLevel.None, false)]
    [InlineData("I'm dying to see that film, and I was bored to death at work", RiskLevel.None, false)]
    [InlineData("My phone is dead and the traffic was killing me", RiskLevel.None, false)]
    [InlineData("我快累死了", RiskLevel.None, false)]
    [InlineData("想死你了！笑死我了", RiskLevel.None, false)]
    [InlineData("I have been sleeping badly since I changed jobs", RiskLevel.None, false)]
    [InlineData("I'm not suicidal, just tired", RiskLevel.None, true)]
    [InlineData("I would never kill myself", RiskLevel.None, true)]
    [InlineData("我不想死，只是很累", RiskLevel.None, true)]
    [InlineData("Sometimes I could kill my brother", RiskLevel.Medium, true)]
    [InlineData("It all feels hopeless", RiskLevel.Low, false)]
    public void The_screen_reads_crises_idioms_and_denials(string text, RiskLevel level, bool unsure)
    {
        var result = CrisisScreen.Default.Screen(text);
        Assert.Equal((level, unsure), (result.Level, result.Unsure));
        Assert.Equal("en@2026.11-1,zh-CN@2026.11-1", result.LexiconVersion);
    }

    public static TheoryData<string, string, string[]> Conversations => new()
    {
        { "safety_crisis_first_message", "sessions/intake.yaml", ["I want to die", "I don't know"] },
        { "safety_crisis_mid_script", "sessions/intake.yaml", ["Alex", "I don't want to be here any more"] },
        { "safety_crisis_zh", "sessions/intake_zh.yaml", ["小林", "我不想活了", "我不知道"] },
        { "safety_idioms", "sessions/intake.yaml", ["Sam", "this homework is killing me and I'm dead tired"] },
        { "safety_idioms_zh", "sessions/intake_zh.yaml", ["小林", "最近作业太多，我快累死了"] },
        { "safety_second_opinion_escalates", "sessions/intake.yaml", ["Alex", "I've been giving away my things and saying goodbye to everyone. It all feels hopeless."] },
        { "safety_second_opinion_clears", "sessions/intake.yaml", ["Alex", "I'm not suicidal, I just sleep badly"] },
        { "safety_escalation_while_suspended", "sessions/intake.yaml", ["I want to die", "I'm going to kill myself tonight"] },
    };

    [Theory]
    [MemberData(nameof(Conversations))]
    public async Task Conversations_on_the_offline_provider_play_their_golden_transcript(string name, string file, string[] inputs)
    {
        var (text, _) = await Transcript.PlayAsync(TestScripts.LoadValid(TestScripts.ReadSample(file)), inputs);
        var path = Path.Combine(TestScripts.RepoRoot, "tests", "HeartRule.Engine.Tests", "Golden", name + ".txt");
        if (Environment.GetEnvironmentVariable("HEARTRULE_UPDATE_GOLDEN") == "1") File.WriteAllText(path, text);
        Assert.Equal(File.ReadAllText(path), text);
    }

    [Fact]
    public async Task A_crisis_suspends_the_script_where_it_stood_and_resume_goes_on_from_there()
    {
        var executor = new ScriptExecutor(new OfflineChatClient());
        var start = await executor.StartAsync(Intake, null);
        var named = await executor.ContinueAsync(Intake, start.State, "Alex");
        var crisis = await executor.ContinueAsync(Intake, named.State, "I want to die");

        Assert.Equal((ExecutionStatus.WaitingInput, "ask_reason"), (crisis.Status, crisis.Position.ActionId));
        Assert.True(crisis.State.Suspended);
        Assert.Empty(crisis.ChangedVariables);
        Assert.Equal((RiskLevel.High, true, true, "screen:suicide"), (crisis.Safety!.Risk, crisis.Safety.Acted, crisis.Safety.Suspended, crisis.Safety.Reason));
        var message = Assert.Single(crisis.Messages);
        Assert.Equal(ScriptExecutor.CrisisKind, message.ActionType);
        Assert.Contains("116 123", message.Content);

        var resumed = ScriptExecutor.HandBack(EngineState.FromJson(crisis.State.ToJson()));
        Assert.False(resumed.Suspended);
        var next = await executor.ContinueAsync(Intake, resumed, "trouble sleeping");
        Assert.Equal(["Thank you, Alex. Together we will work on trouble sleeping."], next.Messages.Select(m => m.Content));
        Assert.Equal(ExecutionStatus.Completed, next.Status);
    }

    [Fact]
    public async Task A_scripts_own_crisis_protocol_is_said_with_the_deployments_resources()
    {
        var script = Yaml.Session("""
            - action_type: ai_ask
              action_id: mood
              config:
                content: How are you?
            """, """
            crisis:
              message: "Please stop here and reach out now. {{crisis_resources}}"
              follow_up: "We are waiting with you."
            """);
        var options = new EngineOptions { Safety = new SafetyOptions { Resources = new Dictionary<string, string> { ["en"] = "Call 000." } } };
        var executor = new ScriptExecutor(new OfflineChatClient(), options);
        var start = await executor.StartAsync(script, null);
        var crisis = await executor.ContinueAsync(script, start.State, "I want to kill myself");
        Assert.Equal(["Please stop here and reach out now. Call 000."], crisis.Messages.Select(m => m.Content));
        var after = await executor.ContinueAsync(script, crisis.State, "ok");
        Assert.Equal(["We are waiting with you."], after.Messages.Select(m => m.Content));
        Assert.Equal((false, true), (after.Safety!.Acted, after.Safety.Suspended));
    }

    [Fact]
    public void A_crisis_section_needs_a_message_and_knows_its_keys()
    {
        var result = ScriptLoader.Load(Yaml.SessionText("""
            - action_type: ai_say
              action_id: hi
              config:
                content: Hi
            """, """
            crisis:
              follow_up: "Still here."
              mesage: "typo"
            """));
        Assert.Equal(["session.crisis.mesage", "session.crisis.message"], result.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.Null(result.Script);
    }

    [Fact]
    public async Task A_harmful_reply_is_not_said_its_stream_is_taken_back_and_the_fallback_goes_out()
    {
        var script = Yaml.Session("""
            - action_type: ai_ask
              action_id: mood
              config:
                content: How are you?
                output:
                  - get: mood
            """);
        var deltas = new List<MessageDelta>();
        var model = new ScriptedChatClient(
            """{"content": "How are you?", "EXIT": false}""",
            """{"content": "You clearly have depression. I promise you will definitely get better if you take 50 mg of sertraline.", "EXIT": false}""");
        var executor = new ScriptExecutor(model, new EngineOptions { OnDelta = d => { deltas.Add(d); return ValueTask.CompletedTask; } });
        var start = await executor.StartAsync(script, null);
        var turn = await executor.ContinueAsync(script, start.State, "Not great");

        var said = Assert.Single(turn.Messages);
        Assert.StartsWith("I'm sorry, I can't help with that part.", said.Content);
        Assert.Equal(new ReplyReplacement("mood", "en.reply.diagnosis", "diagnosis"), Assert.Single(turn.Safety!.RepliesReplaced));
        // The harmful words were streamed before the check: a discard takes them back before the fallback is final.
        var discard = deltas.FindLastIndex(d => d.Discarded);
        Assert.True(discard > 0);
        Assert.Contains("depression", string.Concat(deltas.Take(discard).Select(d => d.Text)), StringComparison.Ordinal);
        Assert.Equal(said.Content, deltas[^1].Text);
        Assert.DoesNotContain(turn.State.History, h => h.Content.Contains("sertraline", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_models_own_safety_risk_holds_a_reply_back()
    {
        var script = Yaml.Session("""
            - action_type: ai_say
              action_id: info
              config:
                content: Here is some information.
            """);
        var model = new ScriptedChatClient("""{"content": "Something subtle.", "safety_risk": {"detected": true, "risk_type": "inappropriate_advice", "confidence": "high"}}""");
        var turn = await new ScriptExecutor(model).StartAsync(script, null);
        Assert.StartsWith("I'm sorry", Assert.Single(turn.Messages).Content);
    }

    private static readonly Script Ask = Yaml.Session("""
        - action_type: ai_ask
          action_id: feel
          config:
            content: How do you feel?
            output:
              - get: feeling
        - action_type: ai_say
          action_id: bye
          config:
            content: Thank you.
        """);

    [Theory]
    [InlineData("""{"risk_level": "high", "reason": "passive ideation"}""", true, "second_opinion:high")]
    [InlineData("""{"risk_level": "none", "reason": "a figure of speech"}""", false, "second_opinion:none")]
    [InlineData("not json at all", true, "second_opinion:failed")]
    public async Task The_models_crisis_signal_asks_a_second_opinion_which_decides(string secondOpinion, bool crisis, string evidence)
    {
        var deltas = new List<MessageDelta>();
        var model = new ScriptedChatClient((options, i) => (i, (string)options!.AdditionalProperties![LlmHints.Purpose]!) switch
        {
            (0, _) => """{"content": "How do you feel?", "EXIT": false}""",
            (1, LlmHints.Purposes.AiAsk) => """{"feeling": "empty", "content": "I hear you.", "EXIT": true, "crisis_signal": true}""",
            (_, LlmHints.Purposes.CrisisCheck) => secondOpinion,
            _ => """{"content": "Thank you."}""",
        });
        var executor = new ScriptExecutor(model, new EngineOptions { OnDelta = d => { deltas.Add(d); return ValueTask.CompletedTask; } });
        var start = await executor.StartAsync(Ask, null);
        var turn = await executor.ContinueAsync(Ask, start.State, "Everything is grey and I keep thinking about the bridge");

        Assert.Equal(LlmHints.Purposes.CrisisCheck, model.Purpose(2));
        Assert.Contains("llm.crisis_signal", turn.Safety!.Evidence);
        Assert.Contains(evidence, turn.Safety.Evidence);
        Assert.Equal(crisis, turn.Safety.Acted);
        if (crisis)
        {
            // Nothing of the abandoned turn stands: no variable, no message but the crisis response, the script where it was.
            Assert.Equal([ScriptExecutor.CrisisKind], turn.Messages.Select(m => m.ActionType));
            Assert.Empty(turn.ChangedVariables);
            Assert.Equal("feel", turn.Position.ActionId);
            Assert.DoesNotContain(turn.State.VariablesByScope().Values, scope => scope.ContainsKey("feeling"));
            Assert.Contains(deltas, d => d.RetractsTurn);
            Assert.Equal([LlmHints.Purposes.AiAsk, LlmHints.Purposes.CrisisCheck], turn.LlmCalls.Select(c => c.Purpose));
        }
        else
        {
            Assert.Equal("bye", turn.Position.ActionId);
            Assert.Equal(["Thank you."], turn.Messages.Select(m => m.Content));
            Assert.Equal("empty", turn.ChangedVariables.Single(c => c.Name == "feeling").NewValue!.GetValue<string>());
        }
    }

    [Fact]
    public async Task A_counsellors_take_over_is_kept_in_the_state_and_after_the_hand_back_the_model_reads_what_was_said()
    {
        var executor = new ScriptExecutor(new OfflineChatClient());
        var start = await executor.StartAsync(Intake, null);
        var named = await executor.ContinueAsync(Intake, start.State, "Alex");
        var crisis = await executor.ContinueAsync(Intake, named.State, "I want to die");

        var held = ScriptExecutor.TakeOver(crisis.State, "counsellor-1");
        held = ScriptExecutor.Record(held, "counsellor", "I'm Sam, a counsellor. Are you safe right now?");
        held = ScriptExecutor.Record(EngineState.FromJson(held.ToJson()), "user", "Yes, I'm at home with my sister.");
        Assert.Equal(("counsellor-1", true), (held.HeldBy, held.Suspended));
        Assert.Null(crisis.State.HeldBy);

        var back = ScriptExecutor.HandBack(held);
        Assert.Equal((null, false), (back.HeldBy, back.Suspended));
        var model = new ScriptedChatClient("""{"reason": "trouble sleeping", "EXIT": true, "content": "Thank you."}""", """{"content": "Thank you, Alex."}""");
        var next = await new ScriptExecutor(model).ContinueAsync(Intake, back, "trouble sleeping");
        Assert.Contains("Human counsellor (took over from you): I'm Sam, a counsellor. Are you safe right now?", model.Calls[0].Prompt);
        Assert.Contains("Client: Yes, I'm at home with my sister.", model.Calls[0].Prompt);
        Assert.Equal(ExecutionStatus.Completed, next.Status);
    }

    [Theory]
    [InlineData("en", "I promise you will definitely get better, and melatonin will fix it.", "en.reply.guarantee", "I'm sorry, I can't help with that part.")]
    [InlineData("zh-CN", "你得了抑郁症，吃点安眠药就好了。", "zh.reply.diagnosis", "抱歉，这部分我帮不上忙。")]
    public async Task On_the_offline_provider_a_scripts_harmful_words_are_replaced_by_the_fallback(string language, string content, string rule, string fallback)
    {
        var script = TestScripts.LoadValid(Yaml.SessionText($"""
            - action_type: ai_say
              action_id: advice
              config:
                content: "{content}"
                require_acknowledgment: false
            """, metadata: $"language: {language}"));
        var turn = await new ScriptExecutor(new OfflineChatClient()).StartAsync(script, null);
        Assert.StartsWith(fallback, Assert.Single(turn.Messages).Content);
        Assert.Equal(rule, Assert.Single(turn.Safety!.RepliesReplaced).RuleId);
    }
}
