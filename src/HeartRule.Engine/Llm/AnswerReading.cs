using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace HeartRule.Engine;

/// <summary>What an output asks for, judged from its name and <c>define</c>: it decides how an answer is read.</summary>
internal enum AnswerKind { Name, Number, Thought, Feeling, Concern, Text }

/// <summary>How a client's reply to an explanation sounds: it decides what the offline provider says back.</summary>
internal enum Reaction { Question, Agrees, Unsure, Other }

/// <summary>
/// The offline provider's reading of answers in one language, standing in for what a model understands: the name
/// in "My name is Sam", the number in "about five hours", the concern in "I have been sleeping badly" worded
/// back to the client ("sleeping badly"), and whether a reply agrees, asks or is unsure. Deterministic: the same
/// answer is always read the same way.
/// </summary>
internal abstract partial class AnswerReading
{
    public static AnswerReading For(string? locale) =>
        locale is not null && locale.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? ChineseAnswers.Instance : EnglishAnswers.Instance;

    public AnswerKind KindOf(string output, string define)
    {
        var about = $"{output} {define}";
        foreach (var (kind, pattern) in Kinds)
        {
            if (pattern.IsMatch(about)) return kind;
        }
        return AnswerKind.Text;
    }

    /// <summary>Patterns of each kind, checked in order; none matching means <see cref="AnswerKind.Text"/>.</summary>
    protected abstract IReadOnlyList<(AnswerKind Kind, Regex Pattern)> Kinds { get; }

    /// <summary>The value an answer gives an output of this kind: a number as a JSON number, anything else as text.</summary>
    public JsonNode Read(string answer, AnswerKind kind)
    {
        var text = Trim(answer);
        if (kind == AnswerKind.Number && Number(text) is { } n)
            return n == Math.Floor(n) && Math.Abs(n) < int.MaxValue ? JsonValue.Create((int)n) : JsonValue.Create(n);
        var value = kind switch
        {
            AnswerKind.Name => Name(text),
            AnswerKind.Thought => Thought(text),
            AnswerKind.Feeling => Feeling(text),
            AnswerKind.Concern => Concern(text),
            _ => Voice(text),
        };
        return JsonValue.Create(Trim(value.Length == 0 ? text : value));
    }

    /// <summary>What an ai_think output is taken to be: the last answer that says more than a number, read as its kind.</summary>
    public JsonNode Think(string lastAnswer, AnswerKind kind) =>
        kind != AnswerKind.Number && Digits().IsMatch(Trim(lastAnswer)) ? JsonValue.Create("") : Read(lastAnswer, kind);

    public abstract Reaction React(string reply);

    /// <summary>The offline monitor's judgement of a reply to a round that did not complete: resistance, insufficient or normal.</summary>
    public abstract string Engagement(string reply);

    /// <summary>One answer cut into <paramref name="count"/> parts, one per output in order, the last taking the rest.</summary>
    public IReadOnlyList<string> Split(string answer, int count)
    {
        if (count <= 1) return count == 1 ? [answer] : [];
        var parts = answer.Split(['.', '!', '?', ';', '。', '！', '？', '；'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (parts.Count < count)
            parts = parts.SelectMany(p => Clauses().Split(p)).Select(p => p.Trim(' ', ',', '，')).Where(p => p.Length > 0).ToList();
        if (parts.Count < count) return Enumerable.Repeat(answer, count).ToList();
        var result = parts.Take(count - 1).ToList();
        result.Add(string.Join(" ", parts.Skip(count - 1)));
        return result;
    }

    /// <summary>Where a sentence divides into clauses when sentences are too few (" and ", a Chinese comma).</summary>
    protected abstract Regex Clauses();

    protected abstract string Name(string answer);
    protected abstract double? Number(string answer);
    protected abstract string Thought(string answer);
    protected abstract string Feeling(string answer);
    protected abstract string Concern(string answer);

    /// <summary>The answer said back to the client: "I", "my" become "you", "your".</summary>
    protected abstract string Voice(string answer);

    /// <summary>Without surrounding space and closing punctuation.</summary>
    protected static string Trim(string text) => text.Trim().TrimEnd('.', '!', '?', '。', '！', '？', '…', '~', '～').Trim();

    protected static double? FirstDigits(string text) =>
        NumberPattern().Match(text) is { Success: true } m ? double.Parse(m.Value, CultureInfo.InvariantCulture) : null;

    [GeneratedRegex(@"-?\d+(?:\.\d+)?")]
    private static partial Regex NumberPattern();

    [GeneratedRegex(@"^[\d\s.,/-]+$")]
    private static partial Regex Digits();
}
