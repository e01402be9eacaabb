using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace HeartRule.Engine;

/// <summary>
/// Each model call as a span and in two instruments. Only what describes the call is recorded — model, purpose,
/// action, token counts, latency — never the prompt or the reply: they hold what a client said.
/// </summary>
public static class LlmTelemetry
{
    /// <summary>The engine is a library without a container: one source and one meter for the process.</summary>
    public const string Name = "HeartRule.Engine";
    public const string CallSpan = "llm.call";
    public const string DurationInstrument = "heartrule.llm.duration";
    public const string TokensInstrument = "heartrule.llm.tokens";

    public const string ModelTag = "gen_ai.response.model";
    public const string TokenTypeTag = "gen_ai.token.type";
    public const string PurposeTag = "heartrule.llm.purpose";

    internal static readonly ActivitySource Source = new(Name);
    private static readonly Meter Meter = new(Name);

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        DurationInstrument, unit: "ms", description: "Time of one model call, until its last token.");

    private static readonly Counter<long> Tokens = Meter.CreateCounter<long>(
        TokensInstrument, unit: "{token}", description: "Tokens the model read (input) and wrote (output).");

    internal static Activity? StartCall(LlmRequest request)
    {
        var activity = Source.StartActivity(CallSpan, ActivityKind.Client);
        if (activity is null) return null;
        activity.SetTag("gen_ai.operation.name", "chat");
        activity.SetTag(PurposeTag, request.Purpose);
        activity.SetTag("heartrule.action.id", request.ActionId);
        activity.SetTag("heartrule.action.type", request.ActionType);
        activity.SetTag("gen_ai.request.max_tokens", request.MaxTokens);
        return activity;
    }

    internal static void Record(Activity? activity, string purpose, string model, int? inputTokens, int? outputTokens, double latencyMs, string? finishReason)
    {
        var modelTag = new KeyValuePair<string, object?>(ModelTag, model);
        Duration.Record(latencyMs, modelTag, new KeyValuePair<string, object?>(PurposeTag, purpose));
        if (inputTokens is { } input) Tokens.Add(input, modelTag, new KeyValuePair<string, object?>(TokenTypeTag, "input"));
        if (outputTokens is { } output) Tokens.Add(output, modelTag, new KeyValuePair<string, object?>(TokenTypeTag, "output"));
        if (activity is null) return;
        activity.SetTag(ModelTag, model);
        activity.SetTag("gen_ai.usage.input_tokens", inputTokens);
        activity.SetTag("gen_ai.usage.output_tokens", outputTokens);
        activity.SetTag("heartrule.llm.latency_ms", latencyMs);
        if (finishReason is not null) activity.SetTag("gen_ai.response.finish_reasons", finishReason);
    }
}
