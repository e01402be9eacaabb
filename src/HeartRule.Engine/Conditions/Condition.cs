using System.Text.Json.Nodes;
using HeartRule.Localization;

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
            error = new ConditionSyntaxError(ex.Text, ex.Position);
            return false;
        }
    }

    public static Condition Parse(string source) =>
        TryParse(source, out var c, out var e) ? c! : throw new FormatException($"{e!.Message} (at character {e.Position + 1})");

    /// <summary>Evaluates against a lookup; unknown variables read as null, which is falsy.</summary>
    public bool Evaluate(Func<string, JsonNode?> lookup) => ConditionValue.IsTruthy(_root.Evaluate(lookup));

    public override string ToString() => Source;
}

/// <param name="Text">What is wrong, to be shown in the reader's language.</param>
/// <param name="Position">0-based character offset in the expression.</param>
public sealed record ConditionSyntaxError(LocalText Text, int Position)
{
    /// <summary>What is wrong, in English.</summary>
    public string Message => Text.In(Locale.English);
}

internal sealed class ConditionSyntaxException(LocalText text, int position) : Exception(text.In(Locale.English))
{
    public LocalText Text { get; } = text;
    public int Position { get; } = position;
}
