using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;

namespace HeartRule.LoadTest;

/// <summary>
/// turns: M scripted conversations on the offline LLM, driven open-loop at R turns per second for a
/// measured window after a warm-up. Latency is from `input` sent to the turn's last `message` received.
/// </summary>
public static class TurnsCommand
{
    private static readonly string[] Answers =
    [
        "It was fine, thanks for asking.", "A bit stressful, but I managed.", "Mostly good, I slept well.",
        "Busy at work and tired in the evening.", "Better than last week, honestly.",
    ];

    public static async Task<int> RunAsync(CommandLine args)
    {
        var servers = args.List("urls", "http://127.0.0.1:28080").Select(Loopback.RequireLoopback).ToList();
        var sources = Loopback.ParseSources(args.List("sources", "127.0.0.2-127.0.0.9"));
        var conversations = args.Int("conversations", 200);
        var rate = args.Double("rate", 50);
        var warmup = TimeSpan.FromSeconds(args.Double("warmup", 15));
        var duration = TimeSpan.FromSeconds(args.Double("duration", 60));
        var script = args.String("script", "loadtest");
        var debug = !args.Flag("no-debug");
        var processes = ParseProcesses(args.List("procs", ""));
        var label = args.String("label", $"{rate} turns/s");
        // The script's length in answers (loadtest: 16): the first sessions are left after 0..stagger-1 answers.
        var stagger = args.Int("stagger", 16);
        var json = args.OptionalString("json");
        args.EnsureAllRead();

        var runId = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
        var connector = new Connector(TargetKind.HeartRule, servers, sources, 1, $"turns{runId}", 16);
        Console.WriteLine($"turns: {conversations} conversations on \"{script}\" to {string.Join(",", servers)}, {rate}/s for {duration.TotalSeconds}s after {warmup.TotalSeconds}s warm-up");

        var all = new List<Conversation>();
        var idle = Channel.CreateUnbounded<Conversation>();
        var setupErrors = 0;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, conversations), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            try
            {
                var conversation = new Conversation(i, script, debug);
                await conversation.ConnectAsync(servers[i % servers.Count], await connector.TokenForAsync($"turns{runId}-c{i}"), connector.Invoker, ct);
                var opening = await conversation.StartSessionAsync(ct);
                if (!opening.Ok) throw new InvalidOperationException($"session.start failed: {opening.Error}");
                lock (all) all.Add(conversation);
                idle.Writer.TryWrite(conversation);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                if (Interlocked.Increment(ref setupErrors) <= 3) Console.WriteLine($"  setup error: {ex.GetType().Name}: {ex.Message} {ex.InnerException?.Message}");
            }
        });
        Console.WriteLine($"  {all.Count} conversations ready in {clock.Elapsed.TotalSeconds:F1}s ({setupErrors} failed)");

        var stats = new TurnStats();
        var ticker = new RateTicker(rate);
        var inFlight = new List<Task>();
        var runClock = Stopwatch.StartNew();
        var measuring = false;
        CpuSample? cpuFrom = null;
        var nextReport = TimeSpan.FromSeconds(5);
        using var stop = new CancellationTokenSource();
        while (runClock.Elapsed < warmup + duration)
        {
            if (!measuring && runClock.Elapsed >= warmup)
            {
                measuring = true;
                stats.StartWindow();
                cpuFrom = CpuSample.Take(processes.Keys);
            }
            var due = await ticker.NextAsync(CancellationToken.None);
            for (var i = 0; i < due; i++)
            {
                if (!idle.Reader.TryRead(out var conversation))
                {
                    if (measuring) stats.Missed();
                    continue;
                }
                var record = measuring;
                inFlight.Add(TurnAsync(conversation, record ? stats : null, idle.Writer, stagger, stop.Token));
            }
            inFlight.RemoveAll(t => t.IsCompleted);
            if (runClock.Elapsed >= nextReport)
            {
                nextReport += TimeSpan.FromSeconds(5);
                Console.WriteLine($"  {runClock.Elapsed.TotalSeconds,4:F0}s {(measuring ? "measuring" : "warm-up  ")} in flight {inFlight.Count}, {stats.Progress()}");
            }
        }
        var window = stats.EndWindow();
        var cpuTo = CpuSample.Take(processes.Keys);
        // Turns sent inside the window still count when they finish; give them a moment.
        await Task.WhenAny(Task.WhenAll(inFlight), Task.Delay(TimeSpan.FromSeconds(30)));
        await stop.CancelAsync();

        stats.Report(label, rate, window, all.Count, conversations);
        if (cpuFrom is not null)
        {
            Console.WriteLine($"  cpu: {CpuSample.Describe(cpuFrom, cpuTo, processes)}");
            var result = TurnCost.From(label, rate, window, stats, CpuSample.Seconds(cpuFrom, cpuTo, processes));
            Console.WriteLine($"  cpu per turn: {result.Describe()}");
            if (json is not null) await result.WriteAsync(json);
        }
        await Parallel.ForEachAsync(all, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (c, _) => await c.CloseAsync());
        return stats.Errors == 0 ? 0 : 1;
    }

    private static async Task TurnAsync(Conversation conversation, TurnStats? stats, ChannelWriter<Conversation> idle, int stagger, CancellationToken ct)
    {
        try
        {
            var timing = await conversation.AnswerAsync(Answers[Random.Shared.Next(Answers.Length)], ct);
            stats?.Add(timing);
            if (timing.ExecutionStatus == "completed" || timing.Error == "SESSION_COMPLETED" || (timing.Ok && conversation.LeavesEarly(stagger)))
            {
                // The script ended (or the client leaves it): a new session, not counted as a turn (its opening has no input).
                var opening = await conversation.StartSessionAsync(ct);
                stats?.Restarted(opening.Ok);
            }
            else if (!timing.Ok && !conversation.IsOpen)
            {
                return; // the socket is gone; the conversation leaves the pool
            }
        }
        catch (OperationCanceledException)
        {
            return;
        }
        idle.TryWrite(conversation);
    }

    private static Dictionary<int, string> ParseProcesses(IEnumerable<string> items)
    {
        var result = new Dictionary<int, string> { [Environment.ProcessId] = "loadtool" };
        foreach (var item in items)
        {
            var eq = item.IndexOf('=');
            var pid = int.Parse(eq < 0 ? item : item[(eq + 1)..], CultureInfo.InvariantCulture);
            result[pid] = eq < 0 ? item : item[..eq];
        }
        return result;
    }
}
