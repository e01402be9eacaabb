using System.Globalization;

namespace HeartRule.Hosting.Orchestration;

/// <summary>A process as the kernel knows it; the start time tells a live process from a reused PID.</summary>
public readonly record struct ProcessIdentity(int Pid, long StartTime)
{
    public bool IsAlive => ProcessTree.TryRead(Pid, out var info) && info.StartTime == StartTime && info.State != 'Z';
}

/// <summary>Reads /proc to find what a process has spawned, so that nothing we started can outlive us.</summary>
internal static class ProcessTree
{
    internal readonly record struct ProcInfo(int Pid, int ParentPid, int ProcessGroup, char State, long StartTime);

    public static bool TryRead(int pid, out ProcInfo info)
    {
        info = default;
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name is in parentheses and may itself hold spaces or parentheses.
            var close = stat.LastIndexOf(')');
            var fields = stat[(close + 2)..].Split(' ');
            info = new ProcInfo(
                pid,
                int.Parse(fields[1], CultureInfo.InvariantCulture),
                int.Parse(fields[2], CultureInfo.InvariantCulture),
                fields[0][0],
                long.Parse(fields[19], CultureInfo.InvariantCulture));
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    public static ProcessIdentity? Identify(int pid) =>
        TryRead(pid, out var info) ? new ProcessIdentity(pid, info.StartTime) : null;

    public static IReadOnlyList<ProcInfo> All()
    {
        var result = new List<ProcInfo>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && TryRead(pid, out var info))
            {
                result.Add(info);
            }
        }
        return result;
    }

    /// <summary>Every live descendant of <paramref name="pid"/>, and every member of its process group.</summary>
    public static IReadOnlyList<ProcessIdentity> GetDescendants(int pid)
    {
        if (!OperatingSystem.IsLinux())
        {
            return [];
        }
        var all = All();
        var children = all.ToLookup(p => p.ParentPid);
        var found = new Dictionary<int, ProcessIdentity>();
        var queue = new Queue<int>([pid]);
        while (queue.Count > 0)
        {
            foreach (var child in children[queue.Dequeue()])
            {
                if (found.TryAdd(child.Pid, new ProcessIdentity(child.Pid, child.StartTime)))
                {
                    queue.Enqueue(child.Pid);
                }
            }
        }
        foreach (var member in all.Where(p => p.ProcessGroup == pid && p.Pid != pid))
        {
            found.TryAdd(member.Pid, new ProcessIdentity(member.Pid, member.StartTime));
        }
        return [.. found.Values];
    }
}
