namespace HeartRule.Contracts;

/// <summary>
/// One LLM call of a turn, for the debug console. <see cref="Prompt"/> and <see cref="Response"/> are null unless
/// the session is debugged (<see cref="ExecuteTurn.OmitLlmText"/>); when present, never log them at Information level.
/// </summary>
/// <param name="Template">The prompt template the call was built from: <c>scheme/locale/name</c> (<c>builtin/…</c> for
/// one shipped with the engine); null from an engine older than locales.</param>
public sealed record LlmCall(
    string ActionId, string Purpose, string Model, string? Prompt, string? Response,
    int? PromptTokens, int? CompletionTokens, double LatencyMs, string? FinishReason, string? Template = null);
