using System.Text.Json.Nodes;

namespace HeartRule.Engine;

internal abstract record ConditionNode
{
    public abstract object? Evaluate(Func<string, JsonNode?> lookup);
    public virtual IEnumerable<string> Variables() => [];
}

internal sealed record LiteralNode(object? Value) : ConditionNode
{
    public override object? Evaluate(Func<string, JsonNode?> lookup) => Value;
}

internal sealed record VariableNode(string Name) : ConditionNode
{
    public override object? Evaluate(Func<string, JsonNode?> lookup) => ConditionValue.FromNode(lookup(Name));
    public override IEnumerable<string> Variables() => [Name];
}

internal sealed record NotNode(ConditionNode Operand) : ConditionNode
{
    public override object? Evaluate(Func<string, JsonNode?> lookup) => !ConditionValue.IsTruthy(Operand.Evaluate(lookup));
    public override IEnumerable<string> Variables() => Operand.Variables();
}

internal sealed record LogicalNode(string Op, ConditionNode Left, ConditionNode Right) : ConditionNode
{
    public override object? Evaluate(Func<string, JsonNode?> lookup) => Op == "and"
        ? ConditionValue.IsTruthy(Left.Evaluate(lookup)) && ConditionValue.IsTruthy(Right.Evaluate(lookup))
        : ConditionValue.IsTruthy(Left.Evaluate(lookup)) || ConditionValue.IsTruthy(Right.Evaluate(lookup));
    public override IEnumerable<string> Variables() => Left.Variables().Concat(Right.Variables());
}

internal sealed record ComparisonNode(string Op, ConditionNode Left, ConditionNode Right) : ConditionNode
{
    public override object? Evaluate(Func<string, JsonNode?> lookup)
    {
        var l = Left.Evaluate(lookup);
        var r = Right.Evaluate(lookup);
        return Op switch
        {
            "==" => ConditionValue.Equals(l, r),
            "!=" => !ConditionValue.Equals(l, r),
            "contains" => ConditionValue.Contains(l, r),
            _ => ConditionValue.Compare(l, r, Op),
        };
    }
    public override IEnumerable<string> Variables() => Left.Variables().Concat(Right.Variables());
}
