using System.Diagnostics;

namespace HeartRule.Hosting.Orchestration;

/// <summary>
/// One OS process we started. It leads its own session (setsid) so that the terminal's Ctrl+C reaches only
/// the AppHost, which then stops everything in order; and so that its whole group can be killed at the end.
/// </summary>
internal sealed class ManagedProcess
{
    private static readonly string? SetSid = FindOnPath("setsid");
    private static readonly string? SetPriv = FindOnPath("setpriv");

    private readonly Process _process;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private IReadOnlyList<ProcessIdentity> _descendants = [];

    private ManagedProcess(ProcessSpec spec, Process process)
    {
        Spec = spec;
        _process = process;
    }

    public ProcessSpec Spec { get; }

    public int Pid { get; private set; }

    public ProcessIdentity Identity { get; private set; }

    public Task<int> Exited => _exited.Task;

    public bool HasExited => _exited.Task.IsCompleted;

    /// <summary>Starts the process; output lines go to <paramref name="onLine"/> (text, isError).</summary>
    public static ManagedProcess Start(ProcessSpec spec, Action<string, bool> onLine)
    {
        var startInfo = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = spec.WorkingDirectory ?? Environment.CurrentDirectory,
        };

        // setsid and setpriv both exec, so the PID we hold is the server's own.
        var command = new List<string>();
        if (SetSid is not null)
        {
            command.Add(SetSid);
        }
        if (spec.RunAsUser is not null && Native.IsRoot)
        {
            if (SetPriv is null)
            {
                throw new DistributedApplicationException($"{spec.DisplayName} must run as '{spec.RunAsUser}' but setpriv (util-linux) is missing.");
            }
            command.AddRange([SetPriv, $"--reuid={spec.RunAsUser}", $"--regid={spec.RunAsUser}", "--init-groups", "--"]);
        }
        command.Add(spec.FileName);
        command.AddRange(spec.Arguments);
        startInfo.FileName = command[0];
        foreach (var argument in command.Skip(1))
        {
            startInfo.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in spec.Environment)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var managed = new ManagedProcess(spec, process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) onLine(e.Data, false); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) onLine(e.Data, true); };
        // Exited, not WaitForExitAsync: the latter also waits for the end of the output, which a surviving
        // grandchild holding the pipe would postpone forever.
        process.Exited += (_, _) => managed.OnExited();

        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or FileNotFoundException)
        {
            process.Dispose();
            throw new DistributedApplicationException($"Could not start {spec.FileName}: {e.Message}", e);
        }
        managed.Pid = process.Id;
        managed.Identity = ProcessTree.Identify(process.Id) ?? new ProcessIdentity(process.Id, 0);
        process.StandardInput.Close(); // nothing we run reads its input; EOF rather than the terminal
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (process.HasExited)
        {
            managed.OnExited();
        }
        return managed;
    }

    private void OnExited()
    {
        int code;
        try
        {
            code = _process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            code = -1;
        }
        _exited.TrySetResult(code);
    }

    /// <summary>Remembers what the process has spawned, to clean it up even after the process itself is gone.</summary>
    public void RefreshDescendants()
    {
        if (HasExited)
        {
            return;
        }
        var current = ProcessTree.GetDescendants(Pid);
        lock (_gate)
        {
            _descendants = [.. _descendants.Where(d => d.IsAlive).Union(current)];
        }
    }

    public IReadOnlyList<ProcessIdentity> Descendants
    {
        get
        {
            lock (_gate)
            {
                return _descendants;
            }
        }
    }

    public void Signal(int signal)
    {
        if (!HasExited)
        {
            Native.Signal(Pid, signal);
        }
    }

    /// <summary>Asks the process to stop, then kills it and everything it spawned when it does not in time.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        RefreshDescendants();
        if (!HasExited)
        {
            Signal(Spec.StopSignal);
            await Task.WhenAny(Exited, Task.Delay(timeout)).ConfigureAwait(false);
        }
        Kill();
        await Task.WhenAny(Exited, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
    }

    /// <summary>SIGKILL to the process, its group and every descendant seen so far.</summary>
    public void Kill()
    {
        RefreshDescendants();
        if (!HasExited)
        {
            Native.Signal(Pid, Native.SIGKILL);
        }
        Native.SignalGroup(Pid, Native.SIGKILL);
        foreach (var descendant in Descendants.Where(d => d.IsAlive))
        {
            Native.Signal(descendant.Pid, Native.SIGKILL);
        }
    }

    /// <summary>Every process of ours still alive: the process itself and what it spawned.</summary>
    public IEnumerable<ProcessIdentity> LiveProcesses() =>
        new[] { Identity }.Concat(Descendants).Where(p => p.IsAlive);

    private static string? FindOnPath(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin").Append("/bin")
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
    }

    internal static string? Which(string name) => FindOnPath(name);
}
