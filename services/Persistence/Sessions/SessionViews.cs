using System.Text.Json;
using HeartRule.Infrastructure;

namespace HeartRule.Persistence.Sessions;

/// <summary>A session in "my sessions".</summary>
/// <param name="Locale">The session's language (BCP 47); null for a session from before locales.</param>
public sealed record SessionSummary(
    Guid Id, string ScriptId, int ScriptVersion, string? ScriptName, string Status, string ExecutionStatus,
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

public sealed record Paged<T>(IReadOnlyList<T> Items, int Page, int PageSize, long Total);

/// <summary>Who owns a session, whether it still exists, and on which script it runs: the check every read starts with.</summary>
public sealed record SessionOwner(string UserId, string Status, string ScriptId);
