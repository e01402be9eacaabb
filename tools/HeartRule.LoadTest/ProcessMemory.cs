using System.Globalization;

namespace HeartRule.LoadTest;

/// <summary>
/// A server process's memory as Linux sees it (/proc/PID), read from outside so the servers carry no
/// measuring code. <see cref="GcHeapKiB"/> is the resident part of the .NET GC's region reserve: the runtime
/// reserves one 256 GiB range for the managed heap (when no hard limit is set) and commits regions inside it.
/// </summary>
public sealed record ProcessMemory(int Pid, long RssKiB, long RssAnonKiB, long GcHeapKiB, int Threads, int OpenFiles)
{
    private const long GcReserve = 256L << 30;

    public static ProcessMemory Read(int pid)
    {
        long rss = 0, anon = 0;
        var threads = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = KiB(line);
            else if (line.StartsWith("RssAnon:", StringComparison.Ordinal)) anon = KiB(line);
            else if (line.StartsWith("Threads:", StringComparison.Ordinal)) threads = (int)KiB(line);
        }
        var files = Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Count();
        return new ProcessMemory(pid, rss, anon, GcHeap(pid), threads, files);
    }

    private static long KiB(string line) =>
        long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    private static long GcHeap(int pid)
    {
        var maps = new List<(ulong Start, ulong End, long Rss)>();
        foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
        {
            var dash = line.IndexOf('-');
            if (dash > 0 && line.IndexOf(' ') > dash && ulong.TryParse(line.AsSpan(0, dash), NumberStyles.HexNumber, null, out var start)
                && ulong.TryParse(line.AsSpan(dash + 1, line.IndexOf(' ') - dash - 1), NumberStyles.HexNumber, null, out var end))
            {
                maps.Add((start, end, 0));
            }
            else if (line.StartsWith("Rss:", StringComparison.Ordinal) && maps.Count > 0)
            {
                maps[^1] = maps[^1] with { Rss = KiB(line) };
            }
        }
        // The untouched rest of the reserve is the largest mapping; the committed regions sit just below it.
        var reserve = maps.MaxBy(m => m.End - m.Start);
        if (reserve.End - reserve.Start < 1UL << 36) return 0;
        var low = reserve.End - GcReserve;
        return maps.Where(m => m.Start >= low && m.End <= reserve.End).Sum(m => m.Rss);
    }
}
