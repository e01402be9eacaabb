using System.Text.Json;
using System.Text.Json.Serialization;
using HeartRule.Contracts;

namespace HeartRule.Sessions;

/// <summary>
/// The hot state of one session, kept in Redis by this service. <see cref="LastTurn"/> is an outbox of one:
/// a redelivered input whose turn was already committed re-publishes it instead of running the script again.
/// </summary>
public sealed record SessionRecord
{
    public required Guid SessionId { get; init; }
    public required string UserId { get; init; }
    public required string ScriptId { get; init; }
    public required int ScriptVersion { get; init; }
    public required string Status { get; init; }
    public required string ExecutionStatus { get; init; }
    public required string StateJson { get; init; }
    /// <summary>Optimistic-concurrency version: the number of committed turns.</summary>
    public required long Version { get; init; }
    public required long LastSeq { get; init; }
    /// <summary>The accept order (<see cref="Contracts.SubmitInput.InputSeq"/>) of the last input handled.</summary>
    public long LastInputSeq { get; init; }
    public required int Turn { get; init; }
    /// <summary>Started by a socket that debugs: every turn records the LLM's prompts and replies.</summary>
    public bool Debug { get; init; }
    /// <summary>The session's language (BCP 47), as the engine settled it at the start; null for a session from before locales.</summary>
    public string? Locale { get; init; }
    /// <summary>The most recent clientMessageIds, newest last: a retried input is recognised and not run twice.</summary>
    public IReadOnlyList<string> RecentInputs { get; init; } = [];
    /// <summary>
    /// The counsellor holding the conversation: client inputs go to them, not the engine. Also in the engine state
    /// (<c>HeldBy</c>), which is what survives a reload from the database; kept here so an input needs no parse to know.
    /// </summary>
    public string? HeldBy { get; init; }
    /// <summary>
    /// Where the script stood and its variables when the record was restored from the database, before any turn of
    /// its own (<see cref="LastTurn"/> carries them after that).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SessionPosition? RestoredPosition { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, JsonElement>>? RestoredVariables { get; init; }

    /// <summary>Kept without its engine state, which is always <see cref="StateJson"/>: see <see cref="PublishableLastTurn"/>.</summary>
    public TurnCompleted? LastTurn { get; init; }

    /// <summary>The last committed turn as it was published, its state taken from the record rather than stored twice.</summary>
    [JsonIgnore]
    public TurnCompleted? PublishableLastTurn => LastTurn is null ? null : LastTurn with { StateJson = StateJson };

    public const int RecentInputsKept = SessionSnapshot.RecentInputsKept;
}
