using System.Text.Json;

namespace HeartRule.Contracts;

/// <summary>
/// One stored protocol event, a message or a turn summary (<c>Kind</c> "turn"): Persistence's
/// <c>GET /internal/sessions/{id}/events</c>, from which a gateway replays what its event log no longer holds.
/// </summary>
public sealed record StoredEvent(
    long Seq, string Kind, Guid? MessageId, string? Role, string? Content, string? ActionId, JsonElement? Metadata,
    DateTimeOffset Timestamp, string? ExecutionStatus, JsonElement? Position, JsonElement? ChangedVariables, JsonElement? Error, JsonElement? Debug);
