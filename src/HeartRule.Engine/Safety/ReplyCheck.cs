using System.Text.Json.Nodes;

namespace HeartRule.Engine;

/// <summary>Why an AI reply was held back: the rule that fired (a lexicon's, or <c>llm.safety_risk</c>) and its category.</summary>
public sealed record ReplyViolation(string RuleId, string Category);

/// <summary>
/// Every AI message is checked before it goes out: the lexicons' reply rules (diagnosis, prescription, guarantee,
/// inappropriate advice, in every language loaded) and the model's own <c>safety_risk</c> when it reports one with
/// medium or high confidence. A reply that fails is replaced by a safe fallback.
/// </summary>
public sealed class ReplyCheck(IReadOnlyList<Lexicon> lexicons)
{
    public static ReplyCheck Default { get; } = new(Lexicon.Defaults);

    public ReplyViolation? Check(string text, JsonObject? modelReply)
    {
        foreach (var lexicon in lexicons)
        {
            foreach (var rule in lexicon.ReplyRules)
            {
                if (rule.Pattern.IsMatch(text)) return new ReplyViolation(rule.Id, rule.Category);
            }
        }
        return modelReply?["safety_risk"] is JsonObject risk && LlmReplyParser.Flag(risk, "detected")
            && (LlmReplyParser.Text(risk, "confidence") ?? "high").Trim().ToLowerInvariant() is "high" or "medium"
            ? new ReplyViolation("llm.safety_risk", LlmReplyParser.Text(risk, "risk_type") is { Length: > 0 } type && type != "null" ? type : "unspecified")
            : null;
    }
}
