using System.Text.Json.Nodes;

namespace HeartRule.Engine;

/// <summary>A parsed <c>condition</c> / <c>entry_condition</c> expression.</summary>
public sealed class Condition
{
    private readonly ConditionNode _root;

    private Condition(string source, ConditionNode root)
    {
        Source = source;
        _root = root;
    }

    public string Source { get; }

    /// <summary>Variable names the expression reads, in order of appearance.</summary>
    public IReadOnlyList<string> Variables => _root.Variables().Distinct(StringComparer.Ordinal).ToList();

    public static bool TryParse(string source, out Condition? condition, out ConditionSyntaxError? error)
    {
        try
        {
            condition = new Condition(source, new ConditionParser(source).ParseAll());
            error = null;
            return true;
        }
        catch (ConditionSyntaxException ex)
        {
            condition = null;
            error = new ConditionSyntaxError(ex.Message, ex.Position);
            return false;
        }
    }

    public static Condition Parse(string source) =>
        TryParse(source, out var c, out var e) ? c! : throw new FormatException($"{e!.Message} (at character {e.Position + 1})");

    /// <summary>Evaluates against a lookup; unknown variables read as null, which is falsy.</summary>
    public bool Evaluate(Func<string, JsonNode?> lookup) => ConditionValue.IsTruthy(_root.Evaluate(lookup));

    public override string ToString() => Source;
}

public sealed record ConditionSyntaxError(string Message, int Position);

internal sealed class ConditionSyntaxException(string message, int position) : Exception(message)
{
    public int Position { get; } = position;
}
