using System.Text.Json;

namespace HeartRule.Contracts;

/// <summary>
/// A session as stored (Persistence's <c>GET /internal/sessions/{id}</c>): what Sessions needs to continue a session it
/// no longer has in Redis.
/// </summary>
public sealed record SessionSnapshot(
    Guid SessionId, string UserId, string ScriptId, int ScriptVersion, string Status, string ExecutionStatus,
    string StateJson, long Version, long LastSeq, int Turn, string? Locale = null)
{
    public const int RecentInputsKept = 200;

    /// <summary>
    /// The <c>clientMessageId</c>s of the last <see cref="RecentInputsKept"/> turns, newest first: a retry of one of
    /// them after Redis lost the session is recognised as already processed, not run a second time.
    /// </summary>
    public IReadOnlyList<string> RecentInputs { get; init; } = [];

    /// <summary>
    /// Where the script stands and its variables by scope, as of the last stored turn: what a turn the engine does not
    /// run (a counsellor holds the conversation) reports as unchanged.
    /// </summary>
    public SessionPosition? Position { get; init; }

    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, JsonElement>>? Variables { get; init; }
}
