using System.Text.Json.Nodes;

namespace HeartRule.Engine;

/// <summary>
/// ai_ask: asks, then after each answer lets the model fill the outputs and judge <c>exit</c>. It follows
/// up until the exit is met or <c>max_rounds</c> answers are in, then ends silently (the next action speaks)
/// after resolving every output: the model's JSON, else a dedicated extraction call, else the raw answer.
/// Without outputs and exit it is a plain question: one answer completes it.
/// </summary>
internal sealed class AiAskRunner : IActionRunner
{
    public async Task<ActionStep> StartAsync(TurnContext ctx, ActionDefinition action, ActionRuntime runtime, CancellationToken ct)
    {
        var config = (AiAskConfig)action.Config;
        runtime.Round = 1;
        runtime.MaxRounds = config.EffectiveMaxRounds;
        runtime.WaitingFor = "answer";
        var reply = await CallAsync(ctx, action, runtime, config, "", ct);
        var content = ctx.Substitute(config.Content);
        var text = LlmReplyParser.Text(reply.Json, "content");
        await ctx.SayAsync(action, runtime, string.IsNullOrWhiteSpace(text) ? content : text.Trim(), reply.Json);
        return ActionStep.Waiting;
    }

    public async Task<ActionStep> ResumeAsync(TurnContext ctx, ActionDefinition action, ActionRuntime runtime, string input, CancellationToken ct)
    {
        var config = (AiAskConfig)action.Config;
        if (string.IsNullOrWhiteSpace(input))
        {
            // "Next" is not an answer; asking again costs no model call and no round.
            await ctx.SayAsync(action, runtime, ctx.EngineText("engine.emptyAnswer"));
            return ActionStep.Waiting;
        }
        var reply = await CallAsync(ctx, action, runtime, config, input, ct);
        foreach (var output in config.Output)
        {
            var value = reply.Json[output.Get];
            if (!LlmReplyParser.IsFilled(value)) continue;
            ctx.Variables.Write(output.Get, Normalise(value), action.Id);
            if (!runtime.Filled.Contains(output.Get)) runtime.Filled.Add(output.Get);
        }
        var simple = config.Output.Count == 0 && config.Exit is null;
        var exit = simple || LlmReplyParser.Flag(reply.Json, "EXIT", "should_exit") || runtime.Round >= runtime.MaxRounds;
        if (exit)
        {
            if (reply.DeltasSent) await ctx.RetractAsync(action, runtime);
            await ResolveMissingAsync(ctx, action, runtime, config, input, ct);
            return ActionStep.Completed;
        }
        runtime.Round++;
        var text = LlmReplyParser.Text(reply.Json, "content");
        await ctx.SayAsync(action, runtime, string.IsNullOrWhiteSpace(text) ? ctx.EngineText("engine.followUp") : text.Trim(), reply.Json);
        // After the follow-up is said, so the client does not wait on it: the advice is for the next round's prompt.
        await EngagementMonitor.JudgeAsync(ctx, action, runtime, ctx.Substitute(config.Content), input, ct);
        return ActionStep.Waiting;
    }

    private static Task<LlmReply> CallAsync(TurnContext ctx, ActionDefinition action, ActionRuntime runtime, AiAskConfig config, string answer, CancellationToken ct)
    {
        var content = ctx.Substitute(config.Content);
        var template = ctx.Template("ai_ask");
        var prompt = PromptBuilder.Build(ctx, template, runtime, content, config.Tone, config.Exit, config.Output);
        var hints = PromptBuilder.Hints(template, LlmHints.Purposes.AiAsk, runtime, content, config.Output, config.Exit, answer);
        return ctx.Llm.CallAsync(new LlmRequest(action.Id, action.Type, LlmHints.Purposes.AiAsk, runtime.Round, prompt, template.Source, hints, 0.7f, 800, true), ct);
    }

    private static async Task ResolveMissingAsync(TurnContext ctx, ActionDefinition action, ActionRuntime runtime, AiAskConfig config, string lastAnswer, CancellationToken ct)
    {
        var missing = config.Output.Where(o => !runtime.Filled.Contains(o.Get)).ToList();
        if (missing.Count == 0) return;
        var template = ctx.Template("extract");
        var prompt = PromptBuilder.Build(ctx, template, runtime, ctx.Substitute(config.Content), config.Tone, config.Exit, missing);
        var hints = PromptBuilder.Hints(template, LlmHints.Purposes.Extract, runtime, "", missing, null, lastAnswer);
        var reply = await ctx.Llm.CallAsync(new LlmRequest(action.Id, action.Type, LlmHints.Purposes.Extract, runtime.Round, prompt, template.Source, hints, 0.3f, 500, false), ct);
        foreach (var output in missing)
        {
            var value = reply.Json[output.Get];
            ctx.Variables.Write(output.Get, LlmReplyParser.IsFilled(value) ? Normalise(value) : JsonValue.Create(lastAnswer.Trim()), action.Id);
            runtime.Filled.Add(output.Get);
        }
    }

    private static JsonNode? Normalise(JsonNode? value) =>
        value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? JsonValue.Create(v.GetValue<string>().Trim()) : value?.DeepClone();
}
