using System.Text.RegularExpressions;

namespace HeartRule.Engine;

/// <summary>Reading Chinese answers (see <see cref="AnswerReading"/>).</summary>
internal sealed partial class ChineseAnswers : AnswerReading
{
    public static readonly ChineseAnswers Instance = new();

    private static readonly IReadOnlyDictionary<char, int> Digits = new Dictionary<char, int>
    {
        ['零'] = 0, ['〇'] = 0, ['一'] = 1, ['二'] = 2, ['两'] = 2, ['三'] = 3, ['四'] = 4, ['五'] = 5, ['六'] = 6, ['七'] = 7, ['八'] = 8, ['九'] = 9,
    };

    protected override IReadOnlyList<(AnswerKind Kind, Regex Pattern)> Kinds { get; } =
    [
        (AnswerKind.Name, new("名字|称呼|姓名|怎么叫|\\bname\\b", RegexOptions.IgnoreCase)),
        (AnswerKind.Number, new("数字|多少|几个|几小时|评分|打分|分数|小时|程度|\\d+\\s*(-|–|到|至)\\s*\\d+|\\bnumber\\b|\\bhours?\\b|\\blevel\\b", RegexOptions.IgnoreCase)),
        (AnswerKind.Thought, new("想法|念头|想到|\\bthought\\b", RegexOptions.IgnoreCase)),
        (AnswerKind.Feeling, new("感觉|感受|心情|情绪|\\bfeel", RegexOptions.IgnoreCase)),
        (AnswerKind.Concern, new("困扰|原因|问题|烦恼|来访|为什么|担心|\\bconcern|\\breason\\b", RegexOptions.IgnoreCase)),
    ];

    [GeneratedRegex("[，、,]|(?:然后|于是|结果)")]
    protected override partial Regex Clauses();

    [GeneratedRegex("^(?:(?:你好|您好)[，,！!。]?)?(?:我的名字(?:是|叫)|你可以叫我|可以叫我|请叫我|叫我|我叫|我是|名字是)?(?<name>[^，。！？,.!?\\s]+)")]
    private static partial Regex NamePattern();

    [GeneratedRegex("(?:就好了?|就行了?|就可以了?|好了|吧|啦|呀|哦)$")]
    private static partial Regex NameTail();

    [GeneratedRegex("^(?:(?:嗯+|呃+|那个|其实|就是|说实话|老实说|怎么说呢)[，,、]?)+")]
    private static partial Regex Fillers();

    [GeneratedRegex("^(?:我来(?:这里)?是因为|来这里是因为|是因为|因为|主要是|我想聊聊|我想谈谈|想聊聊|想谈谈|我(?:最近)?的困扰是|困扰我的是|我的问题是|问题是)[，,：:]?")]
    private static partial Regex ConcernLeadIn();

    [GeneratedRegex("^(?:当时我(?:就)?想|我当时(?:就)?想|我心想|我就想|我就觉得|我想|我觉得|我认为|心想|觉得)[，,：:]?")]
    private static partial Regex ThoughtLeadIn();

    [GeneratedRegex("^(?:我(?:现在)?感觉|我觉得|感觉|觉得|我现在)[，,：:]?")]
    private static partial Regex FeelingLeadIn();

    [GeneratedRegex("(?:吧|啊|呀|呢|啦|哦)$")]
    private static partial Regex Particles();

    [GeneratedRegex("^(?:是|对|嗯|好|可以|应该是|大概是)|(?<![不没])(?:有道理|明白|懂了|理解|说得通|同意|是的|对的)")]
    private static partial Regex Agreement();

    [GeneratedRegex("不太懂|不懂|不明白|不太明白|没懂|没听懂|不确定|不知道|有点乱|不太清楚")]
    private static partial Regex Doubt();

    [GeneratedRegex("(?<n>[零〇一二两三四五六七八九十]+)(?<half>个?半)?")]
    private static partial Regex ChineseNumber();

    public override string Engagement(string reply)
    {
        var text = reply.Trim();
        if (Reluctance().IsMatch(text)) return "resistance";
        return text.Length <= 4 ? "insufficient" : "normal";
    }

    [GeneratedRegex("不知道|不想说|随便|无所谓|别问了|不清楚")]
    private static partial Regex Reluctance();

    public override Reaction React(string reply)
    {
        var text = reply.Trim();
        if (text.Contains('？') || text.Contains('?') || text.EndsWith('吗')) return Reaction.Question;
        if (Doubt().IsMatch(text)) return Reaction.Unsure;
        return Agreement().IsMatch(text) ? Reaction.Agrees : Reaction.Other;
    }

    protected override string Name(string answer) => NameTail().Replace(NamePattern().Match(answer).Groups["name"].Value, "");

    protected override double? Number(string answer)
    {
        if (FirstDigits(answer) is { } digits) return digits;
        var m = ChineseNumber().Match(answer);
        if (!m.Success) return null;
        var value = ChineseValue(m.Groups["n"].Value);
        return value is null ? null : value + (m.Groups["half"].Success ? 0.5 : 0);
    }

    /// <summary>零 to 九十九: 七, 十, 十二, 二十, 二十五, 两.</summary>
    private static int? ChineseValue(string n)
    {
        var ten = n.IndexOf('十');
        if (ten < 0) return n.Length == 1 ? Digits[n[0]] : null;
        if (ten > 1 || n.Length > ten + 2) return null;
        var tens = ten == 0 ? 1 : Digits[n[0]];
        var ones = ten == n.Length - 1 ? 0 : Digits.GetValueOrDefault(n[ten + 1], -100);
        return ones < 0 ? null : tens * 10 + ones;
    }

    protected override string Thought(string answer) => Voice(WithoutSubject(ThoughtLeadIn().Replace(Clean(answer), "")));

    protected override string Feeling(string answer) => Voice(WithoutSubject(FeelingLeadIn().Replace(Clean(answer), "")));

    /// <summary>A concern without its lead-in and subject: "我来是因为我最近总是睡不好" → "最近总是睡不好".</summary>
    protected override string Concern(string answer) => Voice(WithoutSubject(ConcernLeadIn().Replace(Clean(answer), "")));

    protected override string Voice(string answer) => answer.Replace('我', '你');

    private static string Clean(string answer) => Particles().Replace(Fillers().Replace(answer, ""), "");

    // Chinese drops a subject the listener knows: said back to the client, "我" is simply left out.
    private static string WithoutSubject(string text) => text.StartsWith('我') && text.Length > 1 ? text[1..] : text;
}
