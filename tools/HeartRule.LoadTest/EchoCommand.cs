using System.Diagnostics;
using System.Globalization;

namespace HeartRule.LoadTest;

/// <summary>
/// echo: C connections, R messages per second spread over them, each answered by the server alone — the
/// Gateway's ping → pong, the baseline hub's Echo → echo. Both servers do the same work per message (read a
/// frame, parse it, dispatch it, queue and write an answer), so this compares the connection layers.
/// </summary>
public static class EchoCommand
{
    public static async Task<int> RunAsync(CommandLine args)
    {
        var target = Targets.Parse(args.String("target", "heartrule"));
        var servers = args.List("urls", "http://127.0.0.1:28080").Select(Loopback.RequireLoopback).ToList();
        var sources = Loopback.ParseSources(args.List("sources", "127.0.0.2-127.0.0.9"));
        var connections = args.Int("connections", 1000);
        var rate = args.Double("rate", 1000);
        var warmup = TimeSpan.FromSeconds(args.Double("warmup", 10));
        var duration = TimeSpan.FromSeconds(args.Double("duration", 30));
        var payload = args.Int("payload", 16);
        var pids = args.Ints("pids");
        var label = args.String("label", $"{target} {connections} × {rate}/s");
        args.EnsureAllRead();
        if (target is TargetKind.HeartRule or TargetKind.HeartRuleKeptAlive && rate / connections > 20)
            Console.WriteLine($"  warning: {rate / connections:F1} messages/s per socket is over the Gateway's default rate limit (20/s)");

        var runId = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
        var connector = new Connector(target, servers, sources, 1, $"echo{runId}", payload);
        var clock = Stopwatch.StartNew();
        var failures = 0;
        var open = await connector.OpenManyAsync(0, connections, 32, _ => { }, ex =>
        {
            if (Interlocked.Increment(ref failures) <= 3) Console.WriteLine($"  connect error: {ex.GetType().Name}: {ex.Message}");
        }, CancellationToken.None);
        Console.WriteLine($"echo: {open.Count}/{connections} {target} connections open in {clock.Elapsed.TotalSeconds:F1}s; {rate}/s for {duration.TotalSeconds}s after {warmup.TotalSeconds}s warm-up");

        var latencies = new Latencies();
        long windowStart = long.MaxValue, received = 0, errors = 0, sent = 0, sendFailures = 0;
        void Echoed(long sentAt)
        {
            if (sentAt < 0)
            {
                Interlocked.Increment(ref errors);
                return;
            }
            if (sentAt < Volatile.Read(ref windowStart)) return;
            Interlocked.Increment(ref received);
            latencies.Add(Latencies.MillisecondsSince(sentAt));
        }
        foreach (var c in open)
        {
            if (c is HeartRuleHeld h) h.Echoed = Echoed;
            else if (c is SignalRHeld hub) hub.Echoed = Echoed;
        }

        var procs = pids.Append(Environment.ProcessId).ToList();
        var names = pids.ToDictionary(p => p, p => $"server {p}");
        names[Environment.ProcessId] = "loadtool";
        CpuSample? cpuFrom = null;
        var ticker = new RateTicker(rate);
        var runClock = Stopwatch.StartNew();
        var next = 0;
        while (runClock.Elapsed < warmup + duration)
        {
            if (cpuFrom is null && runClock.Elapsed >= warmup)
            {
                Volatile.Write(ref windowStart, Stopwatch.GetTimestamp());
                Interlocked.Exchange(ref errors, 0);
                cpuFrom = CpuSample.Take(procs);
            }
            var due = await ticker.NextAsync(CancellationToken.None);
            for (var i = 0; i < due && open.Count > 0; i++)
            {
                var connection = open[next++ % open.Count];
                if (cpuFrom is not null) sent++;
                _ = connection.SendEchoAsync(Stopwatch.GetTimestamp(), CancellationToken.None).ContinueWith(
                    _ => Interlocked.Increment(ref sendFailures), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
        }
        var window = Stopwatch.GetElapsedTime(windowStart);
        var cpuTo = CpuSample.Take(procs);
        var memory = pids.Select(ProcessMemory.Read).ToList();
        await Task.Delay(TimeSpan.FromSeconds(2)); // let the last answers arrive

        var s = latencies.Summarize();
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT echo {label}: sent {sent} in {window.TotalSeconds:F0}s, answered {Interlocked.Read(ref received)} ({Interlocked.Read(ref received) / window.TotalSeconds:F0}/s), " +
            $"error frames {Interlocked.Read(ref errors)}, send failures {Interlocked.Read(ref sendFailures)}, connect failures {failures}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| round trip (ms) | {s.Count} | {s.P50:F2} | {s.P95:F2} | {s.P99:F2} | {s.Max:F1} |"));
        if (cpuFrom is not null) Console.WriteLine($"  cpu: {CpuSample.Describe(cpuFrom, cpuTo, names)}");
        foreach (var m in memory) Console.WriteLine($"  memory: pid {m.Pid} rss {m.RssKiB / 1024.0:F0} MiB");
        await Parallel.ForEachAsync(open, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (c, _) => await c.CloseAsync());
        return 0;
    }
}
