using System.Text.Json.Nodes;

namespace HeartRule.Engine.Tests;

public class SkillTests
{
    private static readonly Script Grounding = TestScripts.LoadValid("""
        topic:
          topic_id: grounding
          declare:
            - { var: who, value: friend }
            - { var: count, value: 5 }
            - { var: noticed }
          actions:
            - action_type: ai_say
              action_id: g_intro
              config: { content: "{who}, name {count} things you can see.", require_acknowledgment: false }
            - action_type: ai_ask
              action_id: g_ask
              config:
                content: What did you notice?
                output: [ { get: noticed } ]
        """);

    private static readonly InMemorySkillResolver Skills = new([Grounding]);

    private static Script Caller(string input) => TestScripts.LoadValid($$"""
        session:
          session_id: caller
          declare: [ { var: name }, { var: n } ]
          phases:
            - phase_id: p
              topics:
                - topic_id: t
                  actions:
                    - action_type: use_skill
                      action_id: run_grounding
                      config:
                        skill: grounding
                        input: {{input}}
                        output: [ { get: noticed } ]
                    - action_type: ai_say
                      action_id: back
                      config: { content: "You noticed {noticed}; {who}", require_acknowledgment: false }
        """, Skills);

    [Fact]
    public async Task A_skill_runs_with_bound_inputs_and_copies_outputs_back()
    {
        var script = Caller("[ { set: who, value: \"{name}\" }, { set: count, value: \"{n}\" } ]");
        var executor = new ScriptExecutor(new OfflineChatClient(), new EngineOptions { Skills = Skills });
        var r = await executor.StartAsync(script, new Dictionary<string, JsonNode?> { ["name"] = "Kim", ["n"] = 3 });
        Assert.Equal(["Kim, name 3 things you can see.", "What did you notice?"], r.Messages.Select(m => m.Content));
        Assert.Equal(("grounding", "g_ask"), (r.Position.SkillId, r.Position.ActionId));
        Assert.Equal("Kim", r.State.VariablesByScope()["topic"]["who"]!.GetValue<string>());
        Assert.Equal(3, r.State.VariablesByScope()["topic"]["count"]!.GetValue<int>());   // a whole placeholder keeps the number

        r = await executor.ContinueAsync(script, EngineState.FromJson(r.State.ToJson()), "a lamp");
        Assert.Equal(ExecutionStatus.Completed, r.Status);
        // The skill's own variables stay inside it; only outputs come back.
        Assert.Equal(["You noticed a lamp; {who}"], r.Messages.Select(m => m.Content));
        Assert.Contains(r.ChangedVariables, c => c is { Name: "noticed", Scope: "topic", ActionId: "run_grounding" });
        Assert.Null(r.Position.SkillId);
    }

    [Fact]
    public async Task Unset_inputs_leave_the_skill_defaults()
    {
        var script = Caller("[ { set: who, value: \"{name}\" } ]");
        var r = await new ScriptExecutor(new OfflineChatClient(), new EngineOptions { Skills = Skills }).StartAsync(script, null);
        Assert.Equal("friend, name 5 things you can see.", r.Messages[0].Content);
    }

    [Fact]
    public async Task A_missing_skill_at_run_time_is_a_typed_error()
    {
        var script = Caller("[]");
        var r = await new ScriptExecutor(new OfflineChatClient()).StartAsync(script, null);
        Assert.Equal(ExecutionStatus.Error, r.Status);
        Assert.Equal(EngineErrorCodes.SkillNotFound, r.Error!.Code);
        Assert.False(r.Error.Retryable);
    }

    [Fact]
    public void Validation_warns_about_outputs_and_inputs_the_skill_does_not_have()
    {
        var yaml = """
            session:
              session_id: caller
              phases:
                - phase_id: p
                  topics:
                    - topic_id: t
                      actions:
                        - action_type: use_skill
                          action_id: run
                          config:
                            skill: grounding
                            input: [ { set: colour, value: blue } ]
                            output: [ { get: nothing_like_this } ]
            """;
        var result = ScriptLoader.Load(yaml, Skills);
        Assert.True(result.IsValid);
        Assert.Equal(["Skill 'grounding' never sets 'nothing_like_this'", "Skill 'grounding' does not declare the input 'colour'"],
            result.Warnings.Select(w => w.Message));
    }

    [Fact]
    public async Task Skills_calling_themselves_stop_at_the_depth_limit()
    {
        var loop = TestScripts.LoadValid("""
            topic:
              topic_id: loop
              actions:
                - { action_type: use_skill, action_id: again, config: { skill: loop } }
            """);
        var skills = new InMemorySkillResolver([loop]);
        var script = TestScripts.LoadValid("""
            session:
              session_id: s
              phases: [ { phase_id: p, topics: [ { topic_id: t, actions: [ { action_type: use_skill, action_id: start, config: { skill: loop } } ] } ] } ]
            """, skills);
        var r = await new ScriptExecutor(new OfflineChatClient(), new EngineOptions { Skills = skills, MaxSkillDepth = 3 }).StartAsync(script, null);
        Assert.Equal((ExecutionStatus.Error, EngineErrorCodes.ActionExecutionError, false), (r.Status, r.Error!.Code, r.Error.Retryable));
        Assert.Contains("deeper than 3", r.Error.Message);
    }
}
