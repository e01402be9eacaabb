namespace HeartRule.Contracts;

/// <summary>One LLM call of a turn, for the debug console. Carries prompts: never log it at Information level.</summary>
public sealed record LlmCall(
    string ActionId, string Purpose, string Model, string Prompt, string Response,
    int? PromptTokens, int? CompletionTokens, double LatencyMs, string? FinishReason);
