using System.Globalization;

namespace HeartRule.LoadTest;

/// <summary>
/// A server process's memory as Linux sees it (/proc/PID), read from outside so the servers carry no
/// measuring code. Managed memory is read by the GcProbe instead (live bytes after a full GC): the GC's share
/// of RSS could not be told from the outside (a reading of the region reserve's resident pages gave 0 every time).
/// </summary>
public sealed record ProcessMemory(int Pid, long RssKiB, long RssAnonKiB, int Threads, int OpenFiles)
{
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
        return new ProcessMemory(pid, rss, anon, threads, files);
    }

    private static long KiB(string line) =>
        long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
