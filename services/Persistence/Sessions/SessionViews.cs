using System.Text.Json;
using HeartRule.Infrastructure;

namespace HeartRule.Persistence.Sessions;

/// <summary>A session in "my sessions", or in the sessions on my scripts.</summary>
/// <param name="UserId">Whose session it is.</param>
/// <param name="Locale">The session's language (BCP 47); null for a session from before locales.</param>
public sealed record SessionSummary(
    Guid Id, string UserId, string ScriptId, int ScriptVersion, string? ScriptName, string Status, string ExecutionStatus,
    JsonElement Position, long LastSeq, DateTime CreatedAt, DateTime UpdatedAt, DateTime? CompletedAt, string? Locale);

/// <param name="Variables">scope (global, session, phase, topic) → name → value, as visible at the position.</param>
/// <param name="LastError">The error of the latest turn, if it failed (LLM timeout, action error…).</param>
/// <param name="EngineState">The engine's own state, only when asked for (debugging).</param>
/// <param name="Locale">The session's language (BCP 47): its prompts, the engine's own words and its turns' errors are in it.</param>
/// <param name="RiskLevel">The highest unresolved safety flag (high, imminent); null when there is none.</param>
/// <param name="Suspended">The script waits in its crisis protocol (docs/safety.md).</param>
public sealed record SessionDetail(
    Guid Id, string UserId, string ScriptId, int ScriptVersion, string? ScriptName, string Status, string ExecutionStatus,
    JsonElement Position, JsonElement Variables, long Version, long LastSeq, int Turn,
    DateTime CreatedAt, DateTime UpdatedAt, DateTime? CompletedAt, HeartRuleProblem? LastError, JsonElement? EngineState, string? Locale,
    string? RiskLevel, bool Suspended);

public sealed record MessageView(Guid Id, long Seq, string Role, string Content, string? ActionId, JsonElement? Metadata, DateTime Timestamp);

/// <param name="NextAfterSeq">Pass as afterSeq to read what follows this page.</param>
public sealed record MessagePage(IReadOnlyList<MessageView> Items, long NextAfterSeq, bool HasMore);

public sealed record VariableChangeView(
    int Turn, string Name, string Scope, JsonElement? OldValue, JsonElement? NewValue, string? SourceActionId, DateTime ChangedAt);

/// <summary>One turn of a session: what it changed and where it left the script.</summary>
/// <param name="Seq">The turn summary's sequence number (after the turn's messages).</param>
/// <param name="ClientMessageId">The id the client gave the input that started the turn; null for the first turn.</param>
/// <param name="Position">Where the script stood when the turn ended.</param>
/// <param name="ChangedVariables">The variables the turn set: name, scope, old and new value, the action that set it.</param>
/// <param name="Error">The turn's error, if it failed (its message in the session's language).</param>
/// <param name="Debug">
/// For the script's authors only (null for everyone else): the turn's LLM calls (purpose, model, template, tokens,
/// latency; prompts and replies only if somebody debugged the session then) and the variables after it.
/// </param>
public sealed record TurnView(
    int Turn, long Seq, string? ClientMessageId, string ExecutionStatus, JsonElement Position, JsonElement ChangedVariables,
    HeartRuleProblem? Error, DateTime CompletedAt, JsonElement? Debug);

/// <summary>One session as one JSON document: GET /api/sessions/{id}/export.</summary>
/// <param name="IncludesDebug">Whether the turns carry their debug records (the script's authors only).</param>
/// <param name="Session">The session as GET /api/sessions/{id} shows it (without the engine's state).</param>
/// <param name="Transcript">Every message, in sequence order.</param>
/// <param name="VariableHistory">Every variable change, in order.</param>
/// <param name="Turns">Every turn, in order.</param>
public sealed record SessionExport(
    DateTime ExportedAt, bool IncludesDebug, SessionDetail? Session, IReadOnlyList<MessageView> Transcript,
    IReadOnlyList<VariableChangeView> VariableHistory, IReadOnlyList<TurnView> Turns);

public sealed record Paged<T>(IReadOnlyList<T> Items, int Page, int PageSize, long Total);

/// <summary>Who owns a session, whether it still exists, and on which script it runs: the check every read starts with.</summary>
public sealed record SessionOwner(string UserId, string Status, string ScriptId);
