namespace HeartRule.Contracts;

/// <summary>
/// What the safety net saw and did in one turn (docs/safety.md). Rule ids and levels only, never the client's words.
/// </summary>
/// <param name="RiskLevel">none, low, medium, high or imminent.</param>
/// <param name="Acted">This turn gave the crisis response: the session is flagged and an alert goes out.</param>
/// <param name="Suspended">The script waits in its crisis protocol.</param>
/// <param name="Evidence">Lexicon rule ids that matched, <c>llm.crisis_signal</c>, <c>second_opinion:&lt;level&gt;</c>.</param>
/// <param name="Reason">Where the decision came from and the category, e.g. <c>screen:suicide</c>.</param>
public sealed record SafetyReport(
    string RiskLevel, bool Acted, bool Suspended, IReadOnlyList<string> Evidence, string? Reason, string LexiconVersion,
    IReadOnlyList<ReplacedReply> RepliesReplaced);

/// <summary>An AI reply that was held back and replaced by the safe fallback, with the rule that fired.</summary>
public sealed record ReplacedReply(string ActionId, string RuleId, string Category);

/// <summary>
/// Persistence → everyone (counsellors' queues first): a session showed high or imminent risk and got the crisis
/// response. Published once the turn that raised it is stored, flag included.
/// </summary>
public sealed record SessionFlagged
{
    public required Guid SessionId { get; init; }
    public required string UserId { get; init; }
    public required string ScriptId { get; init; }
    public required string RiskLevel { get; init; }
    public string? Reason { get; init; }
    public required IReadOnlyList<string> Evidence { get; init; }
    /// <summary>The client's messages that raised it (the turn's input).</summary>
    public required IReadOnlyList<Guid> EvidenceMessageIds { get; init; }
    /// <summary>The seq of the turn that raised it: with the session id, the flag's identity.</summary>
    public required long Seq { get; init; }
    public required DateTimeOffset FlaggedAt { get; init; }
    public string? Locale { get; init; }
}
