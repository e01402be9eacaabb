namespace HeartRule.LoadTest;

/// <summary>
/// The child side of the idle mode: opens its share of the connections, keeps them alive with the
/// protocol's ping (the Gateway closes sockets that send nothing for its idle timeout), reports every second,
/// and closes everything when told "stop" — or after --max-seconds, so it never outlives a lost parent.
/// </summary>
public static class IdleWorker
{
    public static async Task<int> RunAsync(CommandLine args)
    {
        var target = Targets.Parse(args.String("target", "heartrule"));
        var servers = args.List("urls", "http://127.0.0.1:28080").Select(Loopback.RequireLoopback).ToList();
        var sources = Loopback.ParseSources(args.List("sources", "127.0.0.2-127.0.0.9"));
        var first = args.Int("first", 0);
        var count = args.Int("count", 1000);
        var perUser = args.Int("per-user", 10);
        var concurrency = args.Int("concurrency", 32);
        var pingEvery = TimeSpan.FromSeconds(args.Double("ping-interval", 50));
        var maxSeconds = args.Double("max-seconds", 1800);
        var prefix = args.String("user-prefix", "load");
        args.EnsureAllRead();

        using var lifetime = new CancellationTokenSource(TimeSpan.FromSeconds(maxSeconds));
        var connector = new Connector(target, servers, sources, perUser, prefix, payloadBytes: 16);
        int connected = 0, failed = 0, closed = 0;
        var firstErrors = new List<string>();
        string Status(string kind) => new WorkerStatus(Volatile.Read(ref connected), Volatile.Read(ref failed), Volatile.Read(ref closed)).Format(kind);

        using var reporter = new Timer(_ => Console.WriteLine(Status("status")), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        var connections = await connector.OpenManyAsync(first, count, concurrency,
            c =>
            {
                Interlocked.Increment(ref connected);
                _ = c.Completion.ContinueWith(_ => Interlocked.Increment(ref closed), TaskScheduler.Default);
            },
            ex =>
            {
                Interlocked.Increment(ref failed);
                lock (firstErrors)
                {
                    if (firstErrors.Count < 3) firstErrors.Add($"{ex.GetType().Name}: {ex.Message}");
                }
            },
            lifetime.Token);
        foreach (var error in firstErrors) Console.WriteLine($"connect error: {error}");
        Console.WriteLine(Status("ready"));

        var stop = Task.Run(async () =>
        {
            while (await Console.In.ReadLineAsync() is { } line && line != "stop") { }
        });
        var keepAlive = KeepAliveAsync(connections, pingEvery, lifetime.Token);
        await Task.WhenAny(stop, Task.Delay(Timeout.Infinite, lifetime.Token).ContinueWith(_ => { }, TaskScheduler.Default));
        var held = Volatile.Read(ref connected) - Volatile.Read(ref closed);
        await lifetime.CancelAsync();
        await keepAlive.ContinueWith(_ => { }, TaskScheduler.Default);

        // Close politely, a few at a time, so the servers see ordinary goodbyes rather than a reset storm.
        await Parallel.ForEachAsync(connections, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (c, _) => await c.CloseAsync());
        Console.WriteLine($"done held={held} {Status("final")}");
        return 0;
    }

    private static async Task KeepAliveAsync(List<IHeldConnection> connections, TimeSpan every, CancellationToken ct)
    {
        try
        {
            // Spread the pings over the interval: a burst of thousands at once would be a load spike of its own.
            var pause = TimeSpan.FromTicks(Math.Max(1, every.Ticks / Math.Max(1, connections.Count / 100)));
            while (!ct.IsCancellationRequested)
            {
                for (var i = 0; i < connections.Count; i++)
                {
                    if (i % 100 == 0) await Task.Delay(pause, ct);
                    try
                    {
                        await connections[i].KeepAliveAsync(ct);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        // A closed socket is counted by its Completion.
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }
}
