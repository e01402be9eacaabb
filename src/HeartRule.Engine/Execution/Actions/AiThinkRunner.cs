using System.Text.Json.Nodes;

namespace HeartRule.Engine;

/// <summary>ai_think: one model call that analyses the conversation into its outputs; the client sees nothing.</summary>
internal sealed class AiThinkRunner : IActionRunner
{
    public async Task<ActionStep> StartAsync(TurnContext ctx, ActionDefinition action, ActionRuntime runtime, CancellationToken ct)
    {
        var config = (AiThinkConfig)action.Config;
        runtime.Round = 1;
        runtime.MaxRounds = 1;
        var content = ctx.Substitute(config.Content);
        var template = ctx.Template("ai_think");
        var prompt = PromptBuilder.Build(ctx, template, runtime, content, null, null, config.Output);
        var hints = PromptBuilder.Hints(template, LlmHints.Purposes.AiThink, runtime, content, config.Output, null, ctx.LastClientMessage());
        var reply = await ctx.Llm.CallAsync(new LlmRequest(action.Id, action.Type, LlmHints.Purposes.AiThink, 1, prompt, template.Source, hints, 0.3f, 800, false), ct);
        foreach (var output in config.Output)
        {
            // An analysis the model skipped is recorded as empty text, so later conditions see a defined value.
            var value = reply.Json[output.Get];
            ctx.Variables.Write(output.Get, value is null ? JsonValue.Create("") : value.DeepClone(), action.Id);
        }
        return ActionStep.Completed;
    }

    public Task<ActionStep> ResumeAsync(TurnContext ctx, ActionDefinition action, ActionRuntime runtime, string input, CancellationToken ct) =>
        Task.FromResult(ActionStep.Completed);
}
