using System.Text.Json;

namespace HeartRule.Contracts;

/// <summary>Sessions → ScriptEngine (request/response): run one turn of a script on a state.</summary>
public sealed record ExecuteTurn
{
    public required Guid SessionId { get; init; }
    public required string ScriptId { get; init; }
    public required int ScriptVersion { get; init; }
    /// <summary>Null on the first turn.</summary>
    public string? StateJson { get; init; }
    /// <summary>Null on the first turn; empty for "next".</summary>
    public string? UserInput { get; init; }
    public IReadOnlyDictionary<string, JsonElement>? InitialVariables { get; init; }
    /// <summary>
    /// Leave the prompts and replies out of <see cref="TurnExecuted.LlmCalls"/> (nobody debugs the session): they
    /// repeat what the client said and were most of a turn's bytes on every hop after this one.
    /// </summary>
    public bool OmitLlmText { get; init; }
    /// <summary>The first turn's: the session's locale (null: the script's language, else English). Later turns read it from the state.</summary>
    public string? Locale { get; init; }
}

/// <summary>ScriptEngine → Sessions: what one turn produced.</summary>
public sealed record TurnExecuted
{
    public required IReadOnlyList<AiMessage> Messages { get; init; }
    public string? StateJson { get; init; }
    public required string ExecutionStatus { get; init; }
    public required SessionPosition Position { get; init; }
    public required IReadOnlyList<VariableChangeRecord> ChangedVariables { get; init; }
    /// <summary>scope → name → value, as visible at the new position.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, JsonElement>> Variables { get; init; }
    public required IReadOnlyList<LlmCall> LlmCalls { get; init; }
    public ErrorInfo? Error { get; init; }
    /// <summary>The session's locale, as the engine settled it (null from an engine older than locales, or a turn that did not run).</summary>
    public string? Locale { get; init; }
    /// <summary>What the safety net saw and did (null when it saw nothing, and from an engine older than it).</summary>
    public SafetyReport? Safety { get; init; }

    /// <summary>A turn that did not run: no messages, no changes, and the state it was given (null: none).</summary>
    public static TurnExecuted Failed(ErrorInfo error, string? stateJson = null) => new()
    {
        Messages = [], StateJson = stateJson, ExecutionStatus = "error",
        Position = new SessionPosition(0, null, 0, null, 0, null, null, 0, 0), ChangedVariables = [],
        Variables = new Dictionary<string, IReadOnlyDictionary<string, JsonElement>>(), LlmCalls = [],
        Error = error,
    };
}

/// <param name="MessageId">Chosen by the engine, so the message.delta frames streamed while it was generated carry the same id.</param>
public sealed record AiMessage(string Content, string ActionId, string ActionType, int Round, Guid MessageId);
