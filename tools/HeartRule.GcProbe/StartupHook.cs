using System.Globalization;

/// <summary>
/// A .NET startup hook (DOTNET_STARTUP_HOOKS=path/HeartRule.GcProbe.dll) that lets the load tool ask a server
/// how much managed memory is live, without any measuring code in the server: when the file
/// {dir}/gc-probe-{pid}.request appears, it runs a full blocking GC and writes the heap figures to
/// {dir}/gc-probe-{pid}.txt. dir is $GC_PROBE_DIR, else /tmp. Only for benchmark runs.
/// </summary>
internal static class StartupHook
{
    public static void Initialize()
    {
        var dir = Environment.GetEnvironmentVariable("GC_PROBE_DIR") ?? "/tmp";
        var request = Path.Combine(dir, $"gc-probe-{Environment.ProcessId}.request");
        var result = Path.Combine(dir, $"gc-probe-{Environment.ProcessId}.txt");
        var thread = new Thread(() =>
        {
            while (true)
            {
                Thread.Sleep(200);
                if (!File.Exists(request)) continue;
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                var info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
                // Generations 0-2, then the large and the pinned object heaps: where the live bytes are.
                var generations = string.Join(" ", Enumerable.Range(0, info.GenerationInfo.Length)
                    .Select(g => string.Create(CultureInfo.InvariantCulture, $"gen{g}={info.GenerationInfo[g].SizeAfterBytes}")));
                File.WriteAllText(result + ".tmp", string.Create(CultureInfo.InvariantCulture,
                    $"live={GC.GetTotalMemory(false)} heap={info.HeapSizeBytes} committed={info.TotalCommittedBytes} fragmented={info.FragmentedBytes} {generations}"));
                File.Move(result + ".tmp", result, overwrite: true);
                File.Delete(request);
            }
        })
        { IsBackground = true, Name = "gc-probe" };
        thread.Start();
        if (Environment.GetEnvironmentVariable("POOL_PROBE") is not null) StartPoolSampler(Path.Combine(dir, $"pool-{Environment.ProcessId}.log"));
    }

    /// <summary>Every 100 ms: thread pool threads, queued work items, GC pause total — to tell stalls from starvation.</summary>
    private static void StartPoolSampler(string path)
    {
        var thread = new Thread(() =>
        {
            using var log = new StreamWriter(path) { AutoFlush = true };
            while (true)
            {
                Thread.Sleep(100);
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{DateTime.UtcNow:HH:mm:ss.fff} threads={ThreadPool.ThreadCount} queued={ThreadPool.PendingWorkItemCount} gcpause={GC.GetTotalPauseDuration().TotalMilliseconds:F0} gen2={GC.CollectionCount(2)} gen0={GC.CollectionCount(0)}"));
            }
        })
        { IsBackground = true, Name = "pool-probe" };
        thread.Start();
    }
}
