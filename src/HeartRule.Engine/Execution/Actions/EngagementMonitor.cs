namespace HeartRule.Engine;

/// <summary>
/// The original's ai_ask / ai_say monitors, working: after a round that did not complete, one model call judges the
/// client's engagement (resistance, off_topic, insufficient, normal) and, unless it is normal, its advice goes into the
/// action's next prompt. On with <c>session.monitor: true</c>; the call is in the turn's debug record (purpose <c>monitor</c>).
/// </summary>
internal static class EngagementMonitor
{
    public static readonly IReadOnlyList<string> Engagements = ["resistance", "off_topic", "insufficient", "normal"];

    public static async Task JudgeAsync(TurnContext ctx, ActionDefinition action, ActionRuntime runtime, string task, string answer, CancellationToken ct)
    {
        if (!ctx.Script.Monitor) return;
        var template = ctx.Template("monitor");
        runtime.MonitorAdvice = null;
        var prompt = PromptBuilder.Build(ctx, template, runtime, task, null, null, []);
        var hints = PromptBuilder.Hints(template, LlmHints.Purposes.Monitor, runtime, task, [], null, answer);
        var reply = await ctx.Llm.CallAsync(new LlmRequest(action.Id, action.Type, LlmHints.Purposes.Monitor, runtime.Round, prompt, template.Source, hints, 0.5f, 400, false), ct);
        var engagement = (LlmReplyParser.Text(reply.Json, "engagement") ?? "normal").Trim().ToLowerInvariant();
        var advice = LlmReplyParser.Text(reply.Json, "advice")?.Trim();
        if (engagement != "normal" && Engagements.Contains(engagement) && !string.IsNullOrEmpty(advice)) runtime.MonitorAdvice = advice;
    }
}
