using System.Text.Json;

namespace HeartRule.Contracts;

/// <summary>
/// Sessions → everyone: a committed turn. Its events carry the session's sequence numbers (1, 2, 3 … with no
/// gaps): the echoed user input, every AI message, then the turn summary. Consumers key on (SessionId, Seq)
/// so a redelivery changes nothing.
/// </summary>
public sealed record TurnCompleted
{
    public required Guid SessionId { get; init; }
    public required string UserId { get; init; }
    public required string ScriptId { get; init; }
    public required int ScriptVersion { get; init; }
    /// <summary>0 for the turn that starts the session.</summary>
    public required int Turn { get; init; }
    public string? ClientMessageId { get; init; }
    public string? RequestId { get; init; }
    public required IReadOnlyList<SessionMessage> Messages { get; init; }
    public required TurnSummary Summary { get; init; }
    public required string SessionStatus { get; init; }
    public required string StateJson { get; init; }
    /// <summary>Optimistic-concurrency version of the session after this turn (= Turn + 1).</summary>
    public required long StateVersion { get; init; }
    public required DateTimeOffset CompletedAt { get; init; }
    /// <summary>The session's locale (BCP 47); null for a session from before locales.</summary>
    public string? Locale { get; init; }
}

public sealed record SessionMessage
{
    public required long Seq { get; init; }
    public required Guid MessageId { get; init; }
    /// <summary>user, assistant, system (a notice, such as a counsellor joining) or counsellor (a person who took the conversation over).</summary>
    public required string Role { get; init; }
    public required string Content { get; init; }
    public string? ActionId { get; init; }
    public JsonElement? Metadata { get; init; }
    public required DateTimeOffset Timestamp { get; init; }
}

public sealed record TurnSummary
{
    public required long Seq { get; init; }
    public required string ExecutionStatus { get; init; }
    public required SessionPosition Position { get; init; }
    public required IReadOnlyList<VariableChangeRecord> ChangedVariables { get; init; }
    public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, JsonElement>> Variables { get; init; }
    public required IReadOnlyList<LlmCall> LlmCalls { get; init; }
    public ErrorInfo? Error { get; init; }
    public SafetyReport? Safety { get; init; }
}

/// <summary>Sessions → the session's sockets: an input or start that could not run (nothing was committed).</summary>
public sealed record TurnRejected
{
    public required Guid SessionId { get; init; }
    public required string UserId { get; init; }
    public string? ClientMessageId { get; init; }
    public string? RequestId { get; init; }
    public ReplyAddress? ReplyTo { get; init; }
    public required ErrorInfo Error { get; init; }
    /// <summary>The refusal concerns its sender alone (a counsellor's command): the session's other sockets do not get it.</summary>
    public bool SenderOnly { get; init; }
}

/// <summary>ScriptEngine → the session's sockets: a piece of an AI message while the LLM generates it. Not stored, not sequenced.</summary>
public sealed record MessageDeltaProduced
{
    public required Guid SessionId { get; init; }
    public required Guid MessageId { get; init; }
    public required int Index { get; init; }
    public required string Text { get; init; }
    /// <summary>The engine dropped this message after streaming part of it: clients discard what they showed.</summary>
    public bool Discarded { get; init; }
}

/// <summary>
/// Persistence → Sessions: a session was erased (its owner, an admin, or the retention period). Its hot state in
/// Redis — record, owner, input numbering, event log, routes — is dropped; the database keeps only a tombstone.
/// </summary>
public sealed record SessionErased
{
    public required Guid SessionId { get; init; }
}
