using System.Text.Json.Nodes;

namespace HeartRule.Engine;

/// <summary>
/// ai_say: speaks its content (rephrased by the model). Single-round: done at once, or after an
/// acknowledgement when <c>require_acknowledgment</c> holds. N rounds: speaks, waits for the client's reply,
/// and speaks again, up to N times; exit criteria or the model's EXIT (when <c>exit</c> is set) end it early.
/// The last message of a multi-round ai_say does not wait: the next action follows in the same turn.
/// </summary>
internal sealed class AiSayRunner : IActionRunner
{
    public async Task<ActionStep> StartAsync(TurnContext ctx, ActionDefinition action, ActionRuntime runtime, CancellationToken ct)
    {
        var config = (AiSayConfig)action.Config;
        runtime.Round = 1;
        runtime.MaxRounds = config.EffectiveMaxRounds;
        await SpeakAsync(ctx, action, runtime, config, ct);
        if (config.EffectiveMaxRounds == 1)
        {
            if (!config.WaitsForAcknowledgment) return ActionStep.Completed;
            runtime.WaitingFor = "acknowledgment";
            return ActionStep.Waiting;
        }
        runtime.WaitingFor = "reply";
        return ActionStep.Waiting;
    }

    public async Task<ActionStep> ResumeAsync(TurnContext ctx, ActionDefinition action, ActionRuntime runtime, string input, CancellationToken ct)
    {
        var config = (AiSayConfig)action.Config;
        if (runtime.WaitingFor == "acknowledgment") return ActionStep.Completed;
        runtime.Round++;
        var reply = await SpeakAsync(ctx, action, runtime, config, ct);
        if (ExitDecision.ShouldExit(ctx, config, runtime.Round, reply) || runtime.Round >= runtime.MaxRounds)
            return ActionStep.Completed;
        await EngagementMonitor.JudgeAsync(ctx, action, runtime, ctx.Substitute(config.Content), input, ct);
        return ActionStep.Waiting;
    }

    private static async Task<JsonObject> SpeakAsync(TurnContext ctx, ActionDefinition action, ActionRuntime runtime, AiSayConfig config, CancellationToken ct)
    {
        var content = ctx.Substitute(config.Content);
        var template = ctx.Template("ai_say");
        var threshold = config.ExitCriteria?.UnderstandingThreshold ?? 80;
        var prompt = PromptBuilder.Build(ctx, template, runtime, content, config.Tone, config.Exit, [],
            new Dictionary<string, string> { ["understanding_threshold"] = threshold.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var lastAnswer = runtime.Round > 1 ? ctx.LastClientMessage() : "";
        var hints = PromptBuilder.Hints(template, LlmHints.Purposes.AiSay, runtime, content, [], config.Exit, lastAnswer);
        var reply = await ctx.Llm.CallAsync(new LlmRequest(action.Id, action.Type, LlmHints.Purposes.AiSay, runtime.Round, prompt, template.Source, hints, 0.7f, 1000, true), ct);
        var text = LlmReplyParser.Text(reply.Json, "content");
        // A reply without usable text must not leave the client facing silence: fall back to the script's own words.
        await ctx.SayAsync(action, runtime, string.IsNullOrWhiteSpace(text) ? content : text.Trim(), reply.Json);
        return reply.Json;
    }
}
