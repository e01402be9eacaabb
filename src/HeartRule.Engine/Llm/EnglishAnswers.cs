using System.Text.RegularExpressions;

namespace HeartRule.Engine;

/// <summary>Reading English answers (see <see cref="AnswerReading"/>).</summary>
internal sealed partial class EnglishAnswers : AnswerReading
{
    public static readonly EnglishAnswers Instance = new();

    private static readonly IReadOnlyDictionary<string, int> Words = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase)
    {
        ["zero"] = 0, ["none"] = 0, ["one"] = 1, ["two"] = 2, ["three"] = 3, ["four"] = 4, ["five"] = 5, ["six"] = 6, ["seven"] = 7,
        ["eight"] = 8, ["nine"] = 9, ["ten"] = 10, ["eleven"] = 11, ["twelve"] = 12,
    };

    // Past forms that take "having" rather than "-ing" ("I lost my job" → "having lost your job").
    private static readonly HashSet<string> Pasts = new(StringComparer.OrdinalIgnoreCase)
    {
        "lost", "got", "broke", "left", "fell", "split", "had", "made", "became", "went", "found", "saw", "heard", "told",
    };

    protected override IReadOnlyList<(AnswerKind Kind, Regex Pattern)> Kinds { get; } =
    [
        (AnswerKind.Name, new(@"\bname\b|\bcall(ed)?\b|\baddress\b", RegexOptions.IgnoreCase)),
        (AnswerKind.Number, new(@"\bnumber\b|\bhow many\b|\bscale\b|\bhours?\b|\bscore\b|\blevel\b|\d+\s*(-|–|to)\s*\d+", RegexOptions.IgnoreCase)),
        (AnswerKind.Thought, new(@"\bthought\b|\bthink(ing)?\b", RegexOptions.IgnoreCase)),
        (AnswerKind.Feeling, new(@"\bfel[lt]\b|\bfeel(ing)?s?\b|\bmood\b", RegexOptions.IgnoreCase)),
        (AnswerKind.Concern, new(@"\bconcern|\breason\b|\bproblem|\bdifficult|\bbrings?\b|\bbrought\b|\bwhy\b|\bworr", RegexOptions.IgnoreCase)),
    ];

    [GeneratedRegex(@"\s+and\s+|,\s*and\s+|;\s*", RegexOptions.IgnoreCase)]
    protected override partial Regex Clauses();

    [GeneratedRegex(@"^(?:(?:hi|hello|hey)\b[,!.]?\s*)?(?:(?:my name is|my name's|name's|i'm|i am|it's|it is|this is|(?:you can |please |just )?call me)\s+)?(?<name>[^,.!?;]+)", RegexOptions.IgnoreCase)]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^(?:(?:well|so|um+|uh+|honestly|basically|actually|i guess|i mean|hmm+)\b,?\s*)+", RegexOptions.IgnoreCase)]
    private static partial Regex Fillers();

    [GeneratedRegex(@"^(?:i'?m here because|i am here because|i came(?: here)? (?:because|about)|because|it'?s (?:about|that)|it is (?:about|that)|i (?:want(?:ed)?|would like|'d like) to (?:talk|speak) about|i need help with|i want help with|(?:i'?m|i am|i'?ve been|i have been) struggling with|i struggle with|mainly|mostly)\s+", RegexOptions.IgnoreCase)]
    private static partial Regex ConcernLeadIn();

    [GeneratedRegex(@"^(?:i thought|i think|i was thinking|my thought was|the thought was|i told myself)(?:\s+that)?[,:]?\s+", RegexOptions.IgnoreCase)]
    private static partial Regex ThoughtLeadIn();

    [GeneratedRegex(@"^(?:i'?m feeling|i am feeling|i was feeling|i feel|i felt|it made me feel|it feels|it felt|feeling|i'?m|i am)\s+", RegexOptions.IgnoreCase)]
    private static partial Regex FeelingLeadIn();

    [GeneratedRegex(@"^(?:i'?ve been|i have been|i'?m|i am|i was|i keep)\s+(?<rest>\w+ing\b.*)$", RegexOptions.IgnoreCase)]
    private static partial Regex Progressive();

    [GeneratedRegex(@"^(?:i'?m|i am|i'?ve been|i have been|i feel|i'?m feeling|i get|i keep getting)\s+(?<rest>.+)$", RegexOptions.IgnoreCase)]
    private static partial Regex State();

    [GeneratedRegex(@"^(?:i can'?t|i cannot|i can not|i couldn'?t)\s+(?<verb>\w+)(?<rest>.*)$", RegexOptions.IgnoreCase)]
    private static partial Regex CannotDo();

    [GeneratedRegex(@"^(?:i don'?t|i do not|i didn'?t)\s+(?<verb>\w+)(?<rest>.*)$", RegexOptions.IgnoreCase)]
    private static partial Regex DoNot();

    [GeneratedRegex(@"^(?:i have|i'?ve got|i have got)\s+(?<rest>.+)$", RegexOptions.IgnoreCase)]
    private static partial Regex Having();

    [GeneratedRegex(@"^i\s+(?<verb>[a-z]+)(?<rest>.*)$", RegexOptions.IgnoreCase)]
    private static partial Regex IDo();

    // Someone or something else is the subject: "my boss yells at me", "my parents argue", "there is too much to do".
    [GeneratedRegex(@"^(?:(?:my|our|his|her|their|the)\s+\w+(?:\s+\w+)?\s+(?:\w+(?:s|ed)|is|are|was|were|has|have|had|keeps?|kept|won'?t|can'?t|never|always|argue|fight|shout|yell|left|died)|(?:he|she|they|we|it|there)\s+\w+)\b", RegexOptions.IgnoreCase)]
    private static partial Regex OtherSubjectClause();

    [GeneratedRegex(@"\b(?:i am|i was|i'm|i've|i'd|i'll|i|me|my|mine|myself)\b", RegexOptions.IgnoreCase)]
    private static partial Regex FirstPerson();

    [GeneratedRegex(@"^(?:yes|yeah|yep|yup|sure|ok|okay|i think so|i guess so|that makes sense|makes sense|it makes sense|got it|i see|i understand|right|true|definitely|absolutely|of course)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Agreement();

    [GeneratedRegex(@"\bnot really\b|\bnot sure\b|\bdon'?t (?:really )?(?:understand|get it|see)\b|\bconfus|\blost\b|\bwhat do you mean\b|^no\b", RegexOptions.IgnoreCase)]
    private static partial Regex Doubt();

    public override string Engagement(string reply)
    {
        var text = reply.Trim();
        if (Reluctance().IsMatch(text)) return "resistance";
        return text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length <= 2 ? "insufficient" : "normal";
    }

    [GeneratedRegex(@"\b(?:i\s+)?(?:don'?t|do not)\s+know\b|\bno idea\b|\bwhatever\b|\b(?:i'?d|i would) rather not\b|\bnot telling\b|\bleave me alone\b", RegexOptions.IgnoreCase)]
    private static partial Regex Reluctance();

    public override Reaction React(string reply)
    {
        var text = reply.Trim();
        if (text.Contains('?')) return Reaction.Question;
        if (Doubt().IsMatch(text)) return Reaction.Unsure;
        return Agreement().IsMatch(text) ? Reaction.Agrees : Reaction.Other;
    }

    protected override string Name(string answer)
    {
        var name = NamePattern().Match(answer).Groups["name"].Value.Trim();
        name = string.Join(' ', name.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(3));
        return name.Length > 0 && char.IsLower(name[0]) ? char.ToUpperInvariant(name[0]) + name[1..] : name;
    }

    protected override double? Number(string answer)
    {
        if (FirstDigits(answer) is { } digits) return digits;
        foreach (var word in answer.Split([' ', ',', '-'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (Words.TryGetValue(word.Trim('.', '!', '?'), out var n)) return n;
        }
        return null;
    }

    protected override string Thought(string answer) => Voice(ThoughtLeadIn().Replace(WithoutFillers(answer), ""));

    protected override string Feeling(string answer) => Voice(FeelingLeadIn().Replace(WithoutFillers(answer), ""));

    /// <summary>A concern as something to work on: "I have been sleeping badly" → "sleeping badly".</summary>
    protected override string Concern(string answer)
    {
        var text = ConcernLeadIn().Replace(WithoutFillers(answer), "");
        if (Progressive().Match(text) is { Success: true } p) return Voice(p.Groups["rest"].Value);
        if (CannotDo().Match(text) is { Success: true } c) return Voice($"not being able to {c.Groups["verb"].Value}{c.Groups["rest"].Value}");
        if (DoNot().Match(text) is { Success: true } d) return Voice($"not {Gerund(d.Groups["verb"].Value)}{d.Groups["rest"].Value}");
        if (Having().Match(text) is { Success: true } h) return Voice($"having {h.Groups["rest"].Value}");
        if (State().Match(text) is { Success: true } s) return Voice($"feeling {s.Groups["rest"].Value}");
        if (IDo().Match(text) is { Success: true } i)
        {
            var verb = i.Groups["verb"].Value;
            var done = verb.EndsWith("ed", StringComparison.OrdinalIgnoreCase) || Pasts.Contains(verb);
            return Voice($"{(done ? "having " + verb : Gerund(verb))}{i.Groups["rest"].Value}");
        }
        return OtherSubjectClause().IsMatch(text) ? "the fact that " + Voice(text) : Voice(text);
    }

    protected override string Voice(string answer)
    {
        var voiced = FirstPerson().Replace(answer, m => m.Value.ToLowerInvariant() switch
        {
            "i am" => "you are",
            "i was" => "you were",
            "i'm" => "you're",
            "i've" => "you've",
            "i'd" => "you'd",
            "i'll" => "you'll",
            "i" or "me" => "you",
            "my" => "your",
            "mine" => "yours",
            _ => "yourself",
        }).Trim();
        // A sentence's capital is not the phrase's ("Trouble sleeping" → "trouble sleeping"); an acronym keeps its own.
        return voiced.Length > 1 && char.IsUpper(voiced[0]) && !char.IsUpper(voiced[1]) ? char.ToLowerInvariant(voiced[0]) + voiced[1..] : voiced;
    }

    private static string WithoutFillers(string answer) => Fillers().Replace(answer, "");

    private static string Gerund(string verb)
    {
        var v = verb.ToLowerInvariant();
        if (v.EndsWith("ie", StringComparison.Ordinal)) return v[..^2] + "ying";
        if (v.EndsWith('e') && v.Length > 2 && !v.EndsWith("ee", StringComparison.Ordinal)) return v[..^1] + "ing";
        // Short consonant–vowel–consonant verbs double their last letter: get → getting, sit → sitting.
        if (v.Length is >= 3 and <= 4 && !"aeiou".Contains(v[^1]) && "aeiou".Contains(v[^2]) && !"aeiou".Contains(v[^3]) && !"wxy".Contains(v[^1]))
            return v + v[^1] + "ing";
        return v + "ing";
    }
}
