using System.Diagnostics;
using System.Globalization;
using HeartRule.Engine;

namespace HeartRule.LoadTest;

/// <summary>
/// The safety screen's cost per input (issue 13: at most 1 ms at p99): every input of a mixed English and Chinese
/// corpus — everyday answers, idioms, denials, crises, long messages — screened and its reply checked, many times over,
/// one at a time on one thread, each timed alone.
/// </summary>
public static class ScreenCommand
{
    private static readonly string[] Corpus =
    [
        "Alex", "trouble sleeping", "My name is Sam", "I have been sleeping badly since I changed jobs",
        "My boss frowned at me and I thought I was in trouble", "this homework is killing me and I'm dead tired",
        "I'm not suicidal, I just sleep badly", "I don't want to be here any more", "I'm going to kill myself tonight",
        "I've been giving away my things and saying goodbye to everyone. It all feels hopeless.",
        "叫我小林就好", "我最近总是睡不好，因为换了工作", "最近作业太多，我快累死了", "我不想活了", "老板冲我皱了皱眉，我心想自己肯定要挨批了",
        string.Join(' ', Enumerable.Repeat("Work has been a lot lately and I keep going over the same worries at night, which makes mornings hard.", 4)),
        string.Concat(Enumerable.Repeat("这几周工作特别多，晚上总是反复想同样的事情，早上起来很难受。", 6)),
    ];

    public static int Run(CommandLine options)
    {
        var rounds = options.Int("rounds", 2000);
        var screen = CrisisScreen.Default;
        var replies = ReplyCheck.Default;
        // Warm up: the first match of each pattern builds its automaton.
        foreach (var text in Corpus)
        {
            screen.Screen(text);
            replies.Check(text, null);
        }
        var screenTimes = new Latencies();
        var replyTimes = new Latencies();
        for (var r = 0; r < rounds; r++)
        {
            foreach (var text in Corpus)
            {
                var start = Stopwatch.GetTimestamp();
                screen.Screen(text);
                var screened = Stopwatch.GetTimestamp();
                replies.Check(text, null);
                var checkedAt = Stopwatch.GetTimestamp();
                screenTimes.Add(Latencies.Milliseconds(start, screened));
                replyTimes.Add(Latencies.Milliseconds(screened, checkedAt));
            }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"inputs: {Corpus.Length} texts × {rounds} rounds, lexicons {screen.Versions}"));
        Console.WriteLine($"screen per input:      {Micro(screenTimes.Summarize())}");
        Console.WriteLine($"reply check per reply: {Micro(replyTimes.Summarize())}");
        return 0;
    }

    private static string Micro(Latencies.Summary s) => string.Create(CultureInfo.InvariantCulture,
        $"n={s.Count} p50={s.P50 * 1000:F1} p95={s.P95 * 1000:F1} p99={s.P99 * 1000:F1} max={s.Max * 1000:F0} µs");
}
