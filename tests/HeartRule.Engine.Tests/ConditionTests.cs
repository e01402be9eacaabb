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

    [Theory]
    [InlineData('(')]
    [InlineData('!')]
    public void A_pathological_nesting_of_100000_is_refused_at_the_level_past_the_limit(char opener)
    {
        var expression = new string(opener, 100_000) + "x";

        Assert.False(Condition.TryParse(expression, out var c, out var error));

        Assert.Null(c);
        Assert.Contains("nest more than 32 deep", error!.Message);
        // Located: the opener that goes one level too deep.
        Assert.Equal(32, error.Position);
    }

    [Fact]
    public void Nesting_up_to_the_limit_still_parses_and_evaluates()
    {
        var expression = new string('(', 16) + new string('!', 16) + "score > 5" + new string(')', 16);

        Assert.True(Condition.TryParse(expression, out var c, out _));
        Assert.True(c!.Evaluate(n => Vars.GetValueOrDefault(n)));
    }

    [Fact]
    public void An_endless_and_chain_is_refused_with_its_position()
    {
        var expression = string.Join(" and ", Enumerable.Repeat("a", 20_000));

        Assert.False(Condition.TryParse(expression, out _, out var error));

        Assert.Contains("more than 1000 parts", error!.Message);
        Assert.Equal(1000 / 2 * 6, error.Position);
    }

    [Fact]
    public void Lists_the_variables_it_reads()
    {
        Assert.Equal(["a", "b"], Condition.Parse("a > 1 and (b contains 'x' or a < 9)").Variables);
    }
}
