using System.Globalization;
using System.Text;
using HeartRule.Localization;

namespace HeartRule.Engine;

/// <summary>
/// Recursive-descent parser for the condition language:
/// <c>or</c>/<c>||</c>, <c>and</c>/<c>&amp;&amp;</c>, <c>not</c>/<c>!</c>, comparisons
/// (<c>== != &gt; &lt; &gt;= &lt;= contains</c>), parentheses, numbers, quoted strings, booleans, <c>null</c>,
/// and variables written bare or as <c>{x}</c>, <c>{{x}}</c>, <c>${x}</c>.
/// </summary>
internal sealed class ConditionParser
{
    /// <summary>
    /// Parentheses and <c>not</c>s open inside each other at most this deep. The parser (and the evaluator after it)
    /// recurses once per level: without a bound, a script of 100,000 '(' would overflow the service's stack.
    /// </summary>
    public const int MaxDepth = 32;

    /// <summary>Far above any real condition; bounds the tree (and its evaluation) of a long and/or chain.</summary>
    public const int MaxTokens = 1000;

    private readonly List<Token> _tokens;
    private int _index;
    private int _depth;

    public ConditionParser(string text)
    {
        _tokens = Tokenize(text);
    }

    public ConditionNode ParseAll()
    {
        if (_tokens.Count == 1) throw new ConditionSyntaxException(LocalText.Of("condition.empty"), 0);
        // Nesting is checked as it is parsed; a long flat chain parses in a loop, and is refused before its deep
        // tree is walked by anyone.
        var node = ParseOr();
        if (_tokens.Count - 1 > MaxTokens)
            throw new ConditionSyntaxException(LocalText.Of("condition.tooLong", ("max", MaxTokens)), _tokens[MaxTokens].Position);
        if (Peek.Kind != TokenKind.End)
            throw new ConditionSyntaxException(LocalText.Of("condition.unexpected", ("text", Peek.Text)), Peek.Position);
        return node;
    }

    private Token Peek => _tokens[_index];
    private Token Next() => _tokens[_index++];

    private bool Accept(TokenKind kind, params string[] texts)
    {
        if (Peek.Kind == kind && (texts.Length == 0 || texts.Contains(Peek.Text)))
        {
            _index++;
            return true;
        }
        return false;
    }

    private ConditionNode ParseOr()
    {
        var left = ParseAnd();
        while (Accept(TokenKind.Operator, "or", "||")) left = new LogicalNode("or", left, ParseAnd());
        return left;
    }

    private ConditionNode ParseAnd()
    {
        var left = ParseNot();
        while (Accept(TokenKind.Operator, "and", "&&")) left = new LogicalNode("and", left, ParseNot());
        return left;
    }

    private ConditionNode ParseNot()
    {
        var position = Peek.Position;
        if (!Accept(TokenKind.Operator, "not", "!")) return ParseComparison();
        Enter(position);
        var inner = new NotNode(ParseNot());
        _depth--;
        return inner;
    }

    private void Enter(int position)
    {
        if (++_depth > MaxDepth)
            throw new ConditionSyntaxException(LocalText.Of("condition.tooDeep", ("max", MaxDepth)), position);
    }

    private static readonly string[] ComparisonOps = ["==", "!=", ">", "<", ">=", "<=", "contains"];

    private ConditionNode ParseComparison()
    {
        var left = ParseOperand();
        if (Peek.Kind == TokenKind.Operator && ComparisonOps.Contains(Peek.Text))
        {
            var op = Next().Text;
            var right = ParseOperand();
            if (Peek.Kind == TokenKind.Operator && ComparisonOps.Contains(Peek.Text))
                throw new ConditionSyntaxException(LocalText.Of("condition.chained", ("text", Peek.Text)), Peek.Position);
            return new ComparisonNode(op, left, right);
        }
        return left;
    }

    private ConditionNode ParseOperand()
    {
        var t = Next();
        switch (t.Kind)
        {
            case TokenKind.Number: return new LiteralNode(double.Parse(t.Text, CultureInfo.InvariantCulture));
            case TokenKind.String: return new LiteralNode(t.Text);
            case TokenKind.Identifier:
                return t.Text switch
                {
                    "true" => new LiteralNode(true),
                    "false" => new LiteralNode(false),
                    "null" => new LiteralNode(null),
                    _ => new VariableNode(t.Text),
                };
            case TokenKind.Variable: return new VariableNode(t.Text);
            case TokenKind.LParen:
                Enter(t.Position);
                var inner = ParseOr();
                if (!Accept(TokenKind.RParen)) throw new ConditionSyntaxException(LocalText.Of("condition.missingParen"), Peek.Position);
                _depth--;
                return inner;
            case TokenKind.End:
                throw new ConditionSyntaxException(LocalText.Of("condition.endsEarly"), t.Position);
            default:
                throw new ConditionSyntaxException(LocalText.Of("condition.expectedValue", ("text", t.Text)), t.Position);
        }
    }

    private enum TokenKind { Number, String, Identifier, Variable, Operator, LParen, RParen, End }

    private sealed record Token(TokenKind Kind, string Text, int Position);

    private static bool IsIdentStart(char c) => char.IsLetter(c) || c == '_';
    private static bool IsIdentPart(char c) => char.IsLetterOrDigit(c) || c == '_' || c == '.';

    private static List<Token> Tokenize(string s)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            var start = i;
            if (char.IsDigit(c) || (c == '-' && i + 1 < s.Length && char.IsDigit(s[i + 1]) && PrevAllowsSign(tokens)))
            {
                i++;
                while (i < s.Length && (char.IsDigit(s[i]) || s[i] == '.')) i++;
                var num = s[start..i];
                if (!double.TryParse(num, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                    throw new ConditionSyntaxException(LocalText.Of("condition.notANumber", ("text", num)), start);
                tokens.Add(new Token(TokenKind.Number, num, start));
                continue;
            }
            if (c is '"' or '\'')
            {
                var sb = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= s.Length) throw new ConditionSyntaxException(LocalText.Of("condition.unterminated"), start);
                    if (s[i] == '\\' && i + 1 < s.Length) { sb.Append(s[i + 1]); i += 2; continue; }
                    if (s[i] == c) { i++; break; }
                    sb.Append(s[i++]);
                }
                tokens.Add(new Token(TokenKind.String, sb.ToString(), start));
                continue;
            }
            if (c == '{' || (c == '$' && i + 1 < s.Length && s[i + 1] == '{'))
            {
                var open = c == '$' ? 2 : (i + 1 < s.Length && s[i + 1] == '{' ? 2 : 1);
                var close = c == '$' ? 1 : open;
                var j = i + open;
                var nameStart = j;
                while (j < s.Length && IsIdentPart(s[j])) j++;
                var name = s[nameStart..j];
                if (name.Length == 0 || !IsIdentStart(name[0]) || j + close > s.Length || s.Substring(j, close) != new string('}', close))
                    throw new ConditionSyntaxException(LocalText.Of("condition.badPlaceholder"), start);
                tokens.Add(new Token(TokenKind.Variable, name, start));
                i = j + close;
                continue;
            }
            if (IsIdentStart(c))
            {
                while (i < s.Length && IsIdentPart(s[i])) i++;
                var word = s[start..i];
                var lower = word.ToLowerInvariant();
                if (lower is "and" or "or" or "not" or "contains")
                    tokens.Add(new Token(TokenKind.Operator, lower, start));
                else if (lower is "true" or "false" or "null")
                    tokens.Add(new Token(TokenKind.Identifier, lower, start));
                else
                    tokens.Add(new Token(TokenKind.Identifier, word, start));
                continue;
            }
            string? op = null;
            foreach (var candidate in new[] { "==", "!=", ">=", "<=", "&&", "||", ">", "<", "!" })
            {
                if (string.CompareOrdinal(s, i, candidate, 0, candidate.Length) == 0) { op = candidate; break; }
            }
            if (op is not null)
            {
                tokens.Add(new Token(TokenKind.Operator, op, start));
                i += op.Length;
                continue;
            }
            if (c == '(') { tokens.Add(new Token(TokenKind.LParen, "(", start)); i++; continue; }
            if (c == ')') { tokens.Add(new Token(TokenKind.RParen, ")", start)); i++; continue; }
            if (c == '=') throw new ConditionSyntaxException(LocalText.Of("condition.singleEquals"), start);
            throw new ConditionSyntaxException(LocalText.Of("condition.unexpectedChar", ("char", c)), start);
        }
        tokens.Add(new Token(TokenKind.End, "", s.Length));
        return tokens;
    }

    private static bool PrevAllowsSign(List<Token> tokens) =>
        tokens.Count == 0 || tokens[^1].Kind is TokenKind.Operator or TokenKind.LParen;
}
