using System.Text.Json;

namespace HeartRule.Persistence.Sessions;

/// <summary>What the Sessions service needs to continue a session it no longer has in its hot store.</summary>
public sealed record SessionSnapshot(
    Guid SessionId, string UserId, string ScriptId, int ScriptVersion, string Status, string ExecutionStatus,
    string StateJson, long Version, long LastSeq, int Turn, string? Locale);

/// <summary>One stored protocol event: a message, or a turn summary (Kind "turn").</summary>
public sealed record StoredEvent(
    long Seq, string Kind, Guid? MessageId, string? Role, string? Content, string? ActionId, JsonElement? Metadata,
    DateTime Timestamp, string? ExecutionStatus, JsonElement? Position, JsonElement? ChangedVariables, JsonElement? Error, JsonElement? Debug);
