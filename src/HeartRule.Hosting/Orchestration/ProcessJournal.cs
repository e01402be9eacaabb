using System.Text.Json;

namespace HeartRule.Hosting.Orchestration;

/// <summary>
/// The processes a run of the AppHost has started, written next to the data. If the AppHost itself dies
/// without cleaning up (SIGKILL, power loss of the terminal), the next run kills what the journal names,
/// checking start times so that a reused PID is never touched. It also stops two AppHosts from sharing a data folder.
/// </summary>
internal sealed class ProcessJournal
{
    private readonly string _file;
    private readonly Lock _gate = new();
    private readonly Dictionary<int, Entry> _entries = [];
    private readonly ProcessIdentity _self;

    private sealed record Entry(int Pid, long StartTime, string Resource);

    private sealed record Document(int OwnerPid, long OwnerStartTime, List<Entry> Processes);

    private ProcessJournal(string file, ProcessIdentity self)
    {
        _file = file;
        _self = self;
    }

    /// <summary>Cleans up after a previous run and starts a new journal; throws if another AppHost is alive on this data.</summary>
    public static ProcessJournal Open(string dataRoot, Action<string> log)
    {
        Directory.CreateDirectory(dataRoot);
        var file = Path.Combine(dataRoot, ".apphost-processes.json");
        var self = ProcessTree.Identify(Environment.ProcessId) ?? new ProcessIdentity(Environment.ProcessId, 0);
        if (File.Exists(file))
        {
            Document? previous = null;
            try
            {
                previous = JsonSerializer.Deserialize<Document>(File.ReadAllText(file));
            }
            catch (JsonException)
            {
                // A torn write of a crashed run: nothing reliable to clean up.
            }
            if (previous is not null)
            {
                var owner = new ProcessIdentity(previous.OwnerPid, previous.OwnerStartTime);
                if (owner != self && owner.IsAlive)
                {
                    throw new DistributedApplicationException(
                        $"Another AppHost (pid {owner.Pid}) is running on {dataRoot}. Stop it first, or give this one other ports and --AppHost:DataDirectory.");
                }
                var killed = new List<ProcessIdentity>();
                foreach (var entry in previous.Processes)
                {
                    var leftover = new ProcessIdentity(entry.Pid, entry.StartTime);
                    if (leftover.IsAlive)
                    {
                        log($"killing {entry.Resource} (pid {entry.Pid}) left behind by a previous run");
                        foreach (var descendant in ProcessTree.GetDescendants(entry.Pid))
                        {
                            Native.Signal(descendant.Pid, Native.SIGKILL);
                        }
                        Native.Signal(entry.Pid, Native.SIGKILL);
                        Native.SignalGroup(entry.Pid, Native.SIGKILL);
                        killed.Add(leftover);
                    }
                }
                // Their ports must be free again before this run binds them.
                SpinWait.SpinUntil(() => killed.All(p => !p.IsAlive), TimeSpan.FromSeconds(5));
            }
        }
        var journal = new ProcessJournal(file, self);
        journal.Save();
        return journal;
    }

    /// <summary>
    /// Removes the data folders under <paramref name="root"/> whose AppHost is gone (a test process killed before
    /// it could dispose), killing what they left running first. Folders of live AppHosts are left alone.
    /// </summary>
    public static void SweepAbandoned(string root, TimeSpan minimumAge)
    {
        if (!Directory.Exists(root))
        {
            return;
        }
        foreach (var folder in Directory.EnumerateDirectories(root))
        {
            try
            {
                var journal = Path.Combine(folder, ".apphost-processes.json");
                if (File.Exists(journal))
                {
                    Open(folder, _ => { }).Close(); // throws while its AppHost lives
                }
                else if (DateTime.UtcNow - Directory.GetLastWriteTimeUtc(folder) < minimumAge)
                {
                    continue; // probably being created right now
                }
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is DistributedApplicationException or IOException or UnauthorizedAccessException)
            {
                // Alive, or not ours to delete.
            }
        }
    }

    public void Record(ProcessIdentity process, string resource)
    {
        lock (_gate)
        {
            _entries[process.Pid] = new Entry(process.Pid, process.StartTime, resource);
            Save();
        }
    }

    public void Forget(ProcessIdentity process)
    {
        lock (_gate)
        {
            if (_entries.Remove(process.Pid))
            {
                Save();
            }
        }
    }

    public void Close()
    {
        lock (_gate)
        {
            File.Delete(_file);
        }
    }

    private void Save()
    {
        var temporary = _file + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(new Document(_self.Pid, _self.StartTime, [.. _entries.Values])));
        File.Move(temporary, _file, overwrite: true);
    }
}
