using System.Text.Json.Nodes;

namespace HeartRule.Engine;

/// <summary>
/// Early-exit rules of a multi-round ai_say. <c>min_rounds</c> is a gate on every other rule. The
/// criteria exit when at least one of them was checked and every checked one passes; independently,
/// the model's EXIT flag counts when the action has an <c>exit</c> description.
/// </summary>
internal static class ExitDecision
{
    public static bool ShouldExit(TurnContext ctx, AiSayConfig config, int round, JsonObject reply)
    {
        var criteria = config.ExitCriteria;
        if (criteria?.MinRounds is { } min && round < min) return false;
        if (config.Exit is not null && LlmReplyParser.Flag(reply, "EXIT", "should_exit")) return true;
        if (criteria is null) return false;
        return CriteriaMet(criteria, round, reply, ctx.Variables.Get);
    }

    internal static bool CriteriaMet(ExitCriteria criteria, int round, JsonObject reply, Func<string, JsonNode?> lookup)
    {
        var checkedAny = false;
        if (criteria.MinRounds is { } min)
        {
            checkedAny = true;
            if (round < min) return false;
        }
        var assessment = reply["assessment"] as JsonObject ?? reply["metadata"]?["assessment"] as JsonObject;
        if (criteria.UnderstandingThreshold is { } threshold)
        {
            checkedAny = true;
            var level = JsonNumbers.TryGetDouble(assessment?["understanding_level"], out var l) ? l : 0;
            if (level < threshold) return false;
        }
        if (criteria.HasQuestions == false)
        {
            checkedAny = true;
            if (assessment is not null && LlmReplyParser.Flag(assessment, "has_questions")) return false;
        }
        foreach (var c in criteria.CustomConditions)
        {
            checkedAny = true;
            var actual = ConditionValue.FromNode(lookup(c.Variable));
            var expected = ConditionValue.FromNode(c.Value);
            var ok = c.Operator switch
            {
                "==" => ConditionValue.Equals(actual, expected),
                "!=" => !ConditionValue.Equals(actual, expected),
                "contains" => ConditionValue.Contains(actual, expected),
                _ => ConditionValue.Compare(actual, expected, c.Operator),
            };
            if (!ok) return false;
        }
        return checkedAny;
    }
}
