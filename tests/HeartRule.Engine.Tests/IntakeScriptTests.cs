using System.Text.Json.Nodes;

namespace HeartRule.Engine.Tests;

public class IntakeScriptTests
{
    private static readonly Script Intake = TestScripts.LoadValid(TestScripts.ReadSample("sessions/intake.yaml"));

    [Fact]
    public void Intake_loads_without_errors_or_warnings()
    {
        var result = ScriptLoader.Load(TestScripts.ReadSample("sessions/intake.yaml"));
        Assert.True(result.IsValid);
        Assert.Empty(result.Warnings);
        Assert.Equal(ScriptKind.Session, result.Script!.Kind);
        Assert.Equal("intake", result.Script.Id);
        Assert.Equal("First-session intake", result.Script.Name);
    }

    [Fact]
    public async Task Intake_runs_in_three_turns_on_the_offline_provider()
    {
        var executor = new ScriptExecutor(new OfflineChatClient());

        var start = await executor.StartAsync(Intake, null);
        Assert.Null(start.Error);
        Assert.Equal(ExecutionStatus.WaitingInput, start.Status);
        Assert.Equal(
            ["Welcome to HeartRule. This is a safe, private space, and we can go at your pace.", "What name would you like me to call you?"],
            start.Messages.Select(m => m.Content));
        Assert.Equal(["welcome", "ask_name"], start.Messages.Select(m => m.ActionId));
        Assert.Equal("ask_name", start.Position.ActionId);
        Assert.Equal("ai_ask", start.Position.ActionType);
        Assert.Equal(2, start.LlmCalls.Count);

        var second = await executor.ContinueAsync(Intake, EngineState.FromJson(start.State.ToJson()), "Alex");
        Assert.Equal(ExecutionStatus.WaitingInput, second.Status);
        Assert.Equal(["Nice to meet you, Alex. What brings you here today?"], second.Messages.Select(m => m.Content));
        var change = Assert.Single(second.ChangedVariables);
        Assert.Equal(("client_name", "topic", "Alex", "ask_name"), (change.Name, change.Scope, change.NewValue!.GetValue<string>(), change.ActionId));

        var third = await executor.ContinueAsync(Intake, second.State, "trouble sleeping");
        Assert.Equal(ExecutionStatus.Completed, third.Status);
        Assert.Equal(["Thank you, Alex. Together we will work on trouble sleeping."], third.Messages.Select(m => m.Content));
        Assert.Equal("closing", third.Position.ActionId);
        Assert.Equal("trouble sleeping", third.State.VariablesByScope()["topic"]["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Initial_variables_are_global_and_visible_on_the_first_turn()
    {
        var executor = new ScriptExecutor(new OfflineChatClient());
        var start = await executor.StartAsync(Intake, new Dictionary<string, JsonNode?> { ["client_name"] = "Sam" });
        var change = Assert.Single(start.ChangedVariables);
        Assert.Equal("global", change.Scope);
        Assert.Equal("Sam", start.State.VariablesByScope()["global"]["client_name"]!.GetValue<string>());
    }
}
