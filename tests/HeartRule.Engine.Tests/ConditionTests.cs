using System.Text.Json.Nodes;

namespace HeartRule.Engine.Tests;

public class ConditionTests
{
    private static readonly Dictionary<string, JsonNode?> Vars = new()
    {
        ["score"] = 7,
        ["score_text"] = "7",
        ["mood"] = "Low",
        ["done"] = true,
        ["tags"] = new JsonArray("sleep", "work"),
        ["empty"] = "",
    };

    private static bool Eval(string expression) => Condition.Parse(expression).Evaluate(n => Vars.GetValueOrDefault(n));

    [Theory]
    [InlineData("score > 5", true)]
    [InlineData("score >= 7 and score <= 7", true)]
    [InlineData("score < 7", false)]
    [InlineData("score_text == 7", true)]
    [InlineData("score_text > 10", false)]
    [InlineData("mood == \"low\"", true)]
    [InlineData("mood != 'low'", false)]
    [InlineData("not done", false)]
    [InlineData("!done || score == 7", true)]
    [InlineData("done && (mood == 'high' or score > 6)", true)]
    [InlineData("tags contains 'sleep'", true)]
    [InlineData("tags contains 'food'", false)]
    [InlineData("mood contains 'OW'", true)]
    [InlineData("missing", false)]
    [InlineData("missing == null", true)]
    [InlineData("empty == null", true)]
    [InlineData("{score} > 6 and ${mood} == 'low' and {{done}} == true", true)]
    [InlineData("score > -1", true)]
    [InlineData("score == 7.0", true)]
    public void Evaluates(string expression, bool expected) => Assert.Equal(expected, Eval(expression));

    [Theory]
    [InlineData("score >", 7)]
    [InlineData("score = 5", 6)]
    [InlineData("(score > 5", 10)]
    [InlineData("mood == 'low", 8)]
    [InlineData("score > 1 > 0", 10)]
    [InlineData("", 0)]
    public void Rejects_bad_expressions_with_a_position(string expression, int position)
    {
        Assert.False(Condition.TryParse(expression, out var c, out var error));
        Assert.Null(c);
        Assert.Equal(position, error!.Position);
    }

    [Fact]
    public void Lists_the_variables_it_reads()
    {
        Assert.Equal(["a", "b"], Condition.Parse("a > 1 and (b contains 'x' or a < 9)").Variables);
    }
}
