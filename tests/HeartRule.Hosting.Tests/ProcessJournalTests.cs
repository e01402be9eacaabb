using System.Diagnostics;
using System.Text.Json;
using HeartRule.Hosting.Orchestration;

namespace HeartRule.Hosting.Tests;

/// <summary>What a run of the AppHost that died without cleaning up leaves behind is killed by the next.</summary>
public sealed class ProcessJournalTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "heartrule-journal-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly Process _leftover = Process.Start("sleep", "60");

    [Fact]
    public void Processes_of_a_dead_apphost_are_killed_at_the_next_start()
    {
        var leftover = ProcessTree.Identify(_leftover.Id)!.Value;
        WriteJournal(owner: new ProcessIdentity(int.MaxValue - 1, 1), leftover);
        var messages = new List<string>();

        var journal = ProcessJournal.Open(_data, messages.Add);

        Assert.True(_leftover.WaitForExit(5000), "the leftover should have been killed");
        Assert.False(leftover.IsAlive);
        Assert.Contains(messages, m => m.Contains($"pid {leftover.Pid}", StringComparison.Ordinal));
        journal.Close();
    }

    [Fact]
    public void A_live_apphost_on_the_same_data_is_not_disturbed()
    {
        var running = ProcessTree.Identify(_leftover.Id)!.Value;
        WriteJournal(owner: running, running);

        Assert.Throws<DistributedApplicationException>(() => ProcessJournal.Open(_data, _ => { }));
        Assert.True(running.IsAlive);
    }

    [Fact]
    public void A_reused_pid_is_left_alone()
    {
        var identity = ProcessTree.Identify(_leftover.Id)!.Value;
        WriteJournal(owner: new ProcessIdentity(int.MaxValue - 1, 1), identity with { StartTime = identity.StartTime - 1 });

        ProcessJournal.Open(_data, _ => { }).Close();

        Assert.True(identity.IsAlive);
    }

    [Fact]
    public void Data_folders_of_killed_test_runs_are_swept_but_live_ones_kept()
    {
        var running = ProcessTree.Identify(_leftover.Id)!.Value;
        var abandoned = Path.Combine(_data, "abandoned");
        var live = Path.Combine(_data, "live");
        WriteJournal(owner: new ProcessIdentity(int.MaxValue - 1, 1), running, abandoned);
        using var other = Process.Start("sleep", "60");
        WriteJournal(owner: ProcessTree.Identify(other.Id)!.Value, running, live);

        ProcessJournal.SweepAbandoned(_data, TimeSpan.FromMinutes(10));

        Assert.False(Directory.Exists(abandoned));
        Assert.True(_leftover.WaitForExit(5000), "what the abandoned run left should have been killed");
        Assert.True(Directory.Exists(live));
        other.Kill();
    }

    private void WriteJournal(ProcessIdentity owner, ProcessIdentity process, string? folder = null)
    {
        folder ??= _data;
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, ".apphost-processes.json"), JsonSerializer.Serialize(new
        {
            OwnerPid = owner.Pid,
            OwnerStartTime = owner.StartTime,
            Processes = new[] { new { process.Pid, process.StartTime, Resource = "leftover" } },
        }));
    }

    public void Dispose()
    {
        if (!_leftover.HasExited)
        {
            _leftover.Kill();
        }
        _leftover.Dispose();
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }
}
