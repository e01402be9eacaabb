using System.Text.Json.Nodes;

namespace HeartRule.Engine;

public enum ExecutionStatus { Running, WaitingInput, Completed, Error }

/// <summary>Everything one turn produced. <see cref="Messages"/> holds every AI message of the turn, in order.</summary>
public sealed record TurnResult(
    IReadOnlyList<EngineMessage> Messages,
    EngineState State,
    IReadOnlyList<VariableChange> ChangedVariables,
    ExecutionPosition Position,
    ExecutionStatus Status,
    IReadOnlyList<LlmCallRecord> LlmCalls,
    EngineError? Error)
{
    /// <summary>What the safety net saw and did; null when it saw nothing (no rule matched, no reply held back, nothing done).</summary>
    public TurnSafety? Safety { get; init; }
}

public sealed record EngineMessage(string Role, string Content, string ActionId, string ActionType, int Round);

public sealed record VariableChange(string Name, string Scope, JsonNode? OldValue, JsonNode? NewValue, string? ActionId);

/// <summary>
/// Where the session stands. While waiting this is the waiting action; on completion, the last action run.
/// Inside a skill, the ids are the technique's own and <see cref="SkillId"/> names it.
/// </summary>
public sealed record ExecutionPosition(
    int PhaseIndex, string? PhaseId, int TopicIndex, string? TopicId,
    int ActionIndex, string? ActionId, string? ActionType, int CurrentRound, int MaxRounds)
{
    public string? SkillId { get; init; }
}

/// <param name="Template">The prompt template used: <c>scheme/locale/name</c> (<c>builtin/…</c> for one shipped with the engine).</param>
public sealed record LlmCallRecord(
    string ActionId, string Purpose, string Model, string Prompt, string Response,
    int? PromptTokens, int? CompletionTokens, double LatencyMs, string? FinishReason, string Template);

/// <param name="Message">Safe to show the client, in the session's language: says what happened and what to do, never an internal detail.</param>
public sealed record EngineError(string Code, string Message, bool Retryable)
{
    public string? ActionId { get; init; }

    /// <summary>What went wrong inside, for the service's log (with its stack trace); never sent to the client.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Exception? Cause { get; init; }
}

public static class EngineErrorCodes
{
    public const string LlmUnavailable = "LLM_UNAVAILABLE";
    public const string LlmTimeout = "LLM_TIMEOUT";
    public const string ActionExecutionError = "ACTION_EXECUTION_ERROR";
    public const string StateMismatch = "STATE_MISMATCH";
    public const string SkillNotFound = "SKILL_NOT_FOUND";
}

/// <summary>
/// A piece of an AI message while it is generated. A final delta (<see cref="IsFinal"/>) carries the whole
/// message as the engine will return it; a discarded one tells listeners to drop what they showed, because
/// the action ended without speaking (e.g. an ai_ask whose exit was met).
/// </summary>
public sealed record MessageDelta(string ActionId, string ActionType, int Round, string Text, bool IsFinal = false, bool Discarded = false)
{
    /// <summary>With <see cref="Discarded"/>: every message streamed in this turn so far is dropped, not only the current one.</summary>
    public bool RetractsTurn { get; init; }
}
