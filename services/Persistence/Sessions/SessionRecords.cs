using System.Text.Json;

namespace HeartRule.Persistence.Sessions;

/// <summary>One stored protocol event: a message, or a turn summary (Kind "turn").</summary>
public sealed record StoredEvent(
    long Seq, string Kind, Guid? MessageId, string? Role, string? Content, string? ActionId, JsonElement? Metadata,
    DateTime Timestamp, string? ExecutionStatus, JsonElement? Position, JsonElement? ChangedVariables, JsonElement? Error, JsonElement? Debug);
