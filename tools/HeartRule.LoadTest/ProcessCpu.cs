using System.Globalization;

namespace HeartRule.LoadTest;

/// <summary>CPU time of processes and of the whole machine from /proc, to say which process a run's time went to.</summary>
public sealed record CpuSample(DateTime At, long MachineBusyTicks, long AllProcessTicks, Dictionary<int, long> ProcessTicks)
{
    // USER_HZ is 100 on every Linux this runs on.
    private const double TicksPerSecond = 100;

    public static CpuSample Take(IEnumerable<int> pids)
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var idle = fields[3] + fields[4];
        // Each named process with its descendants: PostgreSQL works in its backends, RabbitMQ in the VM its script started.
        var stats = new Dictionary<int, (int Parent, long Ticks)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText($"{dir}/stat");
                // Fields after the ")" that closes the command name: ppid is the 2nd, utime the 12th, stime the 13th.
                var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                stats[pid] = (int.Parse(rest[1], CultureInfo.InvariantCulture),
                    long.Parse(rest[11], CultureInfo.InvariantCulture) + long.Parse(rest[12], CultureInfo.InvariantCulture));
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }
        var processes = new Dictionary<int, long>();
        // A root's children that already exited (PostgreSQL backends come and go) are in its cutime/cstime.
        foreach (var pid in pids) processes[pid] = stats.Where(s => IsWithin(s.Key, pid, stats)).Sum(s => s.Value.Ticks) + ExitedChildrenTicks(pid);
        return new CpuSample(DateTime.UtcNow, fields.Sum() - idle, stats.Values.Sum(s => s.Ticks), processes);
    }

    private static long ExitedChildrenTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(rest[13], CultureInfo.InvariantCulture) + long.Parse(rest[14], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static bool IsWithin(int pid, int root, Dictionary<int, (int Parent, long Ticks)> stats)
    {
        for (var depth = 0; depth < 16 && pid > 1; depth++)
        {
            if (pid == root) return true;
            if (!stats.TryGetValue(pid, out var s)) return false;
            pid = s.Parent;
        }
        return false;
    }

    /// <summary>Per process: CPU seconds used between the two samples.</summary>
    public static Dictionary<string, double> Seconds(CpuSample from, CpuSample to, IReadOnlyDictionary<int, string> names) =>
        to.ProcessTicks.ToDictionary(
            p => names.GetValueOrDefault(p.Key, p.Key.ToString(CultureInfo.InvariantCulture)),
            p => (p.Value - from.ProcessTicks.GetValueOrDefault(p.Key)) / TicksPerSecond);

    /// <summary>Per process: cores used on average between the two samples (1.0 = one core busy).</summary>
    public static string Describe(CpuSample from, CpuSample to, IReadOnlyDictionary<int, string> names)
    {
        var seconds = (to.At - from.At).TotalSeconds;
        // Against wall-clock time, not /proc/stat's own total: in this VM the idle count lags and the total falls short.
        // And never below what the processes themselves counted: when the VM is mostly idle, /proc/stat's idle
        // count runs ahead (an echo run once read 5% busy while its two processes alone used 0.57 cores).
        var busyTicks = Math.Max(to.MachineBusyTicks - from.MachineBusyTicks, to.AllProcessTicks - from.AllProcessTicks);
        var machine = busyTicks / TicksPerSecond / seconds / Environment.ProcessorCount;
        var parts = to.ProcessTicks.Select(p =>
            $"{names.GetValueOrDefault(p.Key, p.Key.ToString(CultureInfo.InvariantCulture))} {(p.Value - from.ProcessTicks.GetValueOrDefault(p.Key)) / TicksPerSecond / seconds:F2}");
        return string.Create(CultureInfo.InvariantCulture, $"machine busy {machine * 100:F0}% of {Environment.ProcessorCount} cores; cores used: {string.Join(", ", parts)}");
    }
}
