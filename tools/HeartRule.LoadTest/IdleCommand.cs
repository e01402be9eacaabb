using System.Diagnostics;
using System.Globalization;

namespace HeartRule.LoadTest;

/// <summary>
/// idle: N connections that do nothing but keep alive, spread over worker processes and source addresses;
/// reports how many were held and what each cost the server processes (--pids), from /proc.
/// </summary>
public static class IdleCommand
{
    public static async Task<int> RunAsync(CommandLine args)
    {
        var target = args.String("target", "heartrule");
        var urls = args.String("urls", "http://127.0.0.1:28080");
        var sources = args.String("sources", "127.0.0.2-127.0.0.9");
        var total = args.Int("connections", 1000);
        var workers = args.Int("workers", Math.Max(1, (int)Math.Ceiling(total / 7500.0)));
        var perUser = args.Int("per-user", 10);
        var concurrency = args.Int("concurrency", 32);
        var settle = TimeSpan.FromSeconds(args.Double("settle", 15));
        var hold = TimeSpan.FromSeconds(args.Double("hold", 30));
        var pids = args.Ints("pids");
        var label = args.String("label", $"{target} {total}");
        args.EnsureAllRead();
        _ = Targets.Parse(target);
        foreach (var url in urls.Split(',')) Loopback.RequireLoopback(url);
        _ = Loopback.ParseSources(sources.Split(','));

        var before = pids.Select(ProcessMemory.Read).ToList();
        var liveBefore = await LiveAsync(pids);
        Console.WriteLine($"idle: {total} {target} connections to {urls} from {sources}, {workers} worker process(es)");
        foreach (var m in before) Console.WriteLine($"  before: {Describe(m)}");

        var runId = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
        var clock = Stopwatch.StartNew();
        var children = new List<WorkerProcess>();
        var first = 0;
        for (var w = 0; w < workers; w++)
        {
            var count = total / workers + (w < total % workers ? 1 : 0);
            children.Add(WorkerProcess.Start(w,
            [
                "--target", target, "--urls", urls, "--sources", sources, "--first", first.ToString(CultureInfo.InvariantCulture),
                "--count", count.ToString(CultureInfo.InvariantCulture), "--per-user", perUser.ToString(CultureInfo.InvariantCulture),
                "--concurrency", concurrency.ToString(CultureInfo.InvariantCulture), "--user-prefix", $"idle{runId}",
                "--max-seconds", ((int)(settle + hold).TotalSeconds + 600).ToString(CultureInfo.InvariantCulture),
            ]));
            first += count;
        }
        try
        {
            var ready = Task.WhenAll(children.Select(c => c.Ready));
            while (!ready.IsCompleted)
            {
                await Task.WhenAny(ready, Task.Delay(2000));
                Console.WriteLine($"  {clock.Elapsed.TotalSeconds,5:F0}s {Sum(children).Format("connecting")}");
            }
            await ready;
            var connectSeconds = clock.Elapsed.TotalSeconds;
            var opened = Sum(children);
            Console.WriteLine($"  all attempted in {connectSeconds:F1}s: {opened.Format("opened")} ({opened.Connected / connectSeconds:F0} connections/s)");

            await Task.Delay(settle);
            var samples = new List<List<ProcessMemory>>();
            var holdClock = Stopwatch.StartNew();
            do
            {
                samples.Add(pids.Select(ProcessMemory.Read).ToList());
                Console.WriteLine($"  holding {holdClock.Elapsed.TotalSeconds,4:F0}s: {Sum(children).Format("now")}; " +
                    string.Join("; ", samples[^1].Select(Describe)));
                await Task.Delay(TimeSpan.FromSeconds(5));
            } while (holdClock.Elapsed < hold);
            var held = Sum(children);
            // After the RSS readings: the probe's full GC would shrink them.
            var liveAfter = await LiveAsync(pids);
            var afterGc = pids.Select(ProcessMemory.Read).ToList();

            foreach (var child in children) await child.StopAsync();
            await Task.WhenAll(children.Select(c => c.Done));
            await Task.Delay(TimeSpan.FromSeconds(5));
            var afterClose = pids.Select(ProcessMemory.Read).ToList();

            Report(label, total, held, connectSeconds, before, samples[^1], afterClose, liveBefore, liveAfter, afterGc);
            return held.Held >= total && held.Failed == 0 ? 0 : 1;
        }
        finally
        {
            foreach (var child in children)
            {
                await child.StopAsync();
                await child.DisposeAsync();
            }
        }
    }

    private static async Task<List<long?>> LiveAsync(IEnumerable<int> pids)
    {
        var result = new List<long?>();
        foreach (var pid in pids) result.Add(await GcProbe.LiveBytesAsync(pid));
        return result;
    }

    private static string Live(long? before, long? after, int n) =>
        before is { } b && after is { } a ? ((a - b) / 1024.0 / n).ToString("F2", CultureInfo.InvariantCulture) : "—";

    private static WorkerStatus Sum(IEnumerable<WorkerProcess> workers) =>
        workers.Select(w => w.Status).Aggregate(new WorkerStatus(0, 0, 0), (a, b) => new WorkerStatus(a.Connected + b.Connected, a.Failed + b.Failed, a.Closed + b.Closed));

    private static string Describe(ProcessMemory m) =>
        $"pid {m.Pid} rss {m.RssKiB / 1024.0:F1} MiB anon {m.RssAnonKiB / 1024.0:F1} MiB fds {m.OpenFiles} threads {m.Threads}";

    private static void Report(string label, int total, WorkerStatus held, double connectSeconds,
        List<ProcessMemory> before, List<ProcessMemory> after, List<ProcessMemory> afterClose, List<long?> liveBefore, List<long?> liveAfter, List<ProcessMemory> afterGc)
    {
        Console.WriteLine();
        Console.WriteLine($"RESULT idle {label}: requested {total}, held {held.Held} at the end of the hold, failed {held.Failed}, dropped {held.Closed}; opened at {held.Connected / connectSeconds:F0}/s");
        Console.WriteLine("| server pid | sockets (fds Δ) | RSS before → after (MiB) | RSS/conn (KiB) | anon/conn (KiB) | live managed/conn after full GC (KiB) | RSS/conn after full GC (KiB) | RSS after close (MiB) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        long dRss = 0, dAnon = 0, sockets = 0;
        for (var i = 0; i < before.Count; i++)
        {
            var (b, a, c) = (before[i], after[i], afterClose[i]);
            var n = Math.Max(1, a.OpenFiles - b.OpenFiles);
            sockets += n;
            dRss += a.RssKiB - b.RssKiB;
            dAnon += a.RssAnonKiB - b.RssAnonKiB;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {b.Pid} | {n} | {b.RssKiB / 1024.0:F0} → {a.RssKiB / 1024.0:F0} | {(a.RssKiB - b.RssKiB) / (double)n:F2} | {(a.RssAnonKiB - b.RssAnonKiB) / (double)n:F2} | {Live(liveBefore[i], liveAfter[i], n)} | {(liveAfter[i] is null ? "—" : ((afterGc[i].RssKiB - b.RssKiB) / (double)n).ToString("F2", CultureInfo.InvariantCulture))} | {c.RssKiB / 1024.0:F0} |"));
        }
        if (before.Count > 1)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| all | {sockets} | | {dRss / (double)sockets:F2} | {dAnon / (double)sockets:F2} | | | |"));
        }
    }
}
