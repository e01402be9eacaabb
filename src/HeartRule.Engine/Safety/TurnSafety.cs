namespace HeartRule.Engine;

/// <summary>
/// What the safety net saw and did in one turn. <see cref="Risk"/> combines the screen, the model's own
/// <c>crisis_signal</c> and, when asked, the second opinion; <see cref="Acted"/> is set when this turn gave the crisis
/// response (and suspended the script); <see cref="Suspended"/> while the session stays in its crisis protocol.
/// </summary>
/// <param name="Evidence">Rule ids that matched (never the words), <c>llm.crisis_signal</c>, <c>second_opinion:&lt;level&gt;</c>.</param>
/// <param name="Reason">Where the decision came from and the category: <c>screen:suicide</c>, <c>second_opinion:suicide</c>.</param>
public sealed record TurnSafety(
    RiskLevel Risk, bool Acted, bool Suspended, IReadOnlyList<string> Evidence, string? Reason, string LexiconVersion,
    IReadOnlyList<ReplyReplacement> RepliesReplaced)
{
    public bool IsQuiet => Risk == RiskLevel.None && !Acted && !Suspended && RepliesReplaced.Count == 0 && Evidence.Count == 0;
}

/// <summary>An AI reply that was not sent: the action that produced it and the rule that held it back.</summary>
public sealed record ReplyReplacement(string ActionId, string RuleId, string Category);

/// <summary>A script's own crisis protocol (<c>session.crisis</c>): said at once on high risk, then to every input while suspended.</summary>
public sealed record CrisisProtocol(string Message, string? FollowUp);

/// <summary>The deployment's safety settings; the defaults are the engine's lexicons and the catalogue's resources.</summary>
public sealed class SafetyOptions
{
    public CrisisScreen Screen { get; init; } = CrisisScreen.Default;
    public ReplyCheck Replies { get; init; } = ReplyCheck.Default;

    /// <summary>
    /// Hotlines and emergency numbers by locale (BCP 47), said with every crisis response. Unset locales use the
    /// catalogue's <c>safety.resources</c>, documented defaults that an operator must check for their region.
    /// </summary>
    public IReadOnlyDictionary<string, string> Resources { get; init; } = new Dictionary<string, string>();
}
