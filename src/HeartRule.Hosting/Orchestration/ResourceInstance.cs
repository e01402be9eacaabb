using System.Diagnostics;
using System.Net.Sockets;
using HeartRule.Hosting.ApplicationModel;
using HeartRule.Hosting.Orchestration.Drivers;

namespace HeartRule.Hosting.Orchestration;

/// <summary>
/// One replica of a resource and its supervisor: waits for its dependencies, prepares, launches its processes,
/// probes readiness and health, restarts it with back-off when it exits on its own, and on stop asks it to
/// stop and kills whatever is left.
/// </summary>
internal sealed class ResourceInstance
{
    private static readonly TimeSpan HealthInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxRestartDelay = TimeSpan.FromSeconds(30);

    private readonly ResourceRuntime _owner;
    private readonly ResourceDriver _driver;
    private readonly RuntimeContext _context;
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ResourceState _state = ResourceState.NotStarted;
    private HealthStatus _health = HealthStatus.Unknown;
    private string? _message;
    private int _restarts;
    private int? _exitCode;
    private DateTimeOffset? _startedAt;
    private List<ManagedProcess> _processes = [];
    private CancellationTokenSource? _run;
    private Task _supervisor = Task.CompletedTask;
    private bool _restartSuppressed;
    private bool _dependenciesMet;
    private int _launches;

    public ResourceInstance(ResourceRuntime owner, ResourceDriver driver, RuntimeContext context, int replica, string displayName)
    {
        _owner = owner;
        _driver = driver;
        _context = context;
        Replica = replica;
        DisplayName = displayName;
        context.Console.Register(displayName);
        Log = new ResourceLog(owner.Resource.Name, replica, line =>
        {
            if (context.Options.WriteResourceOutputToConsole)
            {
                context.Console.Write(displayName, line);
            }
            context.Options.ResourceOutput?.Invoke(line);
        });
    }

    public int Replica { get; }

    public string DisplayName { get; }

    public ResourceLog Log { get; }

    public bool IsProcessRunning
    {
        get
        {
            lock (_gate)
            {
                return _processes.Count > 0 && !_processes[^1].HasExited;
            }
        }
    }

    public ResourceReplicaSnapshot Snapshot()
    {
        lock (_gate)
        {
            var main = _processes.LastOrDefault();
            return new ResourceReplicaSnapshot(
                Replica,
                DisplayName,
                _state,
                _health,
                main is { HasExited: false } ? main.Pid : null,
                [.. _processes.Where(p => !p.HasExited).Select(p => p.Pid)],
                [.. _driver.Resource.Endpoints.Where(e => !e.IsInternal).Select(e => _context.GetEndpoint(_driver.Resource, e.Name, Replica).Url)],
                _restarts,
                _exitCode,
                _startedAt,
                _message);
        }
    }

    /// <summary>Every process of this replica still alive (for tests that check nothing survives).</summary>
    public IReadOnlyList<ProcessIdentity> LiveProcesses()
    {
        lock (_gate)
        {
            return [.. _processes.SelectMany(p => p.LiveProcesses()).Distinct()];
        }
    }

    public async Task WaitForAsync(Func<ResourceReplicaSnapshot, bool> predicate, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }
            if (predicate(Snapshot()))
            {
                return;
            }
            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Start()
    {
        lock (_gate)
        {
            if (!_supervisor.IsCompleted)
            {
                return;
            }
            _run?.Dispose();
            _run = new CancellationTokenSource();
            _restartSuppressed = false;
            var token = _run.Token;
            _supervisor = Task.Run(() => SuperviseAsync(token), CancellationToken.None);
        }
    }

    public async Task StopAsync()
    {
        CancellationTokenSource? run;
        Task supervisor;
        lock (_gate)
        {
            run = _run;
            supervisor = _supervisor;
        }
        if (run is null)
        {
            return;
        }
        await run.CancelAsync().ConfigureAwait(false);
        await supervisor.ConfigureAwait(false);
    }

    /// <summary>
    /// SIGKILL, as a crash would: the supervisor then restarts it unless <paramref name="restart"/> is false.
    /// Returns once the supervisor has seen the exit, so that a following wait for readiness waits for the restart.
    /// </summary>
    public async Task KillAsync(bool restart, CancellationToken cancellationToken = default)
    {
        ManagedProcess? main;
        lock (_gate)
        {
            main = _processes.LastOrDefault();
            if (main is null || main.HasExited)
            {
                return;
            }
            _restartSuppressed = !restart;
        }
        main.Kill();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        await WaitForAsync(s => s.State is not (ResourceState.Running or ResourceState.Starting), timeout.Token).ConfigureAwait(false);
    }

    /// <summary>Runs a one-off helper (initdb, chown) to its end, its output in this replica's log.</summary>
    public async Task<int> RunToCompletionAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        var process = ManagedProcess.Start(spec, (line, isError) => Log.Write($"[{spec.DisplayName}] {line}", isError));
        try
        {
            return await process.Exited.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            process.Kill();
        }
    }

    private async Task SuperviseAsync(CancellationToken stop)
    {
        var consecutiveExits = 0;
        try
        {
            if (!_dependenciesMet)
            {
                SetState(ResourceState.Waiting);
                await _owner.WaitForDependenciesAsync(this, stop).ConfigureAwait(false);
                _dependenciesMet = true;
            }
            if (_driver.IsUnused)
            {
                SetState(ResourceState.Unused, HealthStatus.Unknown, "not started: every database is configured elsewhere");
                return;
            }

            while (true)
            {
                SetState(ResourceState.Starting, HealthStatus.Unknown, null);
                await _driver.PrepareAsync(this, stop).ConfigureAwait(false);

                if (!_driver.HasProcesses)
                {
                    SetState(ResourceState.Running, HealthStatus.Unknown, _driver.IsExternal ? "external: configured connection string" : null);
                    await MonitorHealthAsync(null, stop).ConfigureAwait(false);
                    return;
                }

                if (_launches++ == 0)
                {
                    EnsurePortsAreFree();
                }
                var main = await LaunchAsync(stop).ConfigureAwait(false);
                var launchedAt = Stopwatch.GetTimestamp();

                using (var monitoring = CancellationTokenSource.CreateLinkedTokenSource(stop))
                {
                    var monitor = MonitorHealthAsync(main, monitoring.Token);
                    var code = await main.Exited.WaitAsync(stop).ConfigureAwait(false);
                    Update(() => _exitCode = code);
                    await monitoring.CancelAsync().ConfigureAwait(false);
                    await monitor.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
                }

                bool restart;
                lock (_gate)
                {
                    restart = _driver.Resource.RestartOnExit && !_restartSuppressed;
                    _restartSuppressed = false;
                }
                var exited = $"exited with code {_exitCode}";
                SetState(restart ? ResourceState.Restarting : ResourceState.Exited, HealthStatus.Unknown, exited);
                await TerminateAsync(graceful: false).ConfigureAwait(false);
                if (!restart)
                {
                    Log.Write(exited, _exitCode != 0, isSystem: true);
                    return;
                }

                consecutiveExits = Stopwatch.GetElapsedTime(launchedAt) > StableAfter ? 1 : consecutiveExits + 1;
                var delay = TimeSpan.FromTicks(Math.Min(MaxRestartDelay.Ticks, _context.Options.RestartDelay.Ticks << Math.Min(consecutiveExits - 1, 16)));
                var message = $"{exited}; restarting in {delay.TotalSeconds:0.##} s";
                Log.Write(message, false, isSystem: true);
                SetState(ResourceState.Restarting, HealthStatus.Unknown, message);
                await Task.Delay(delay, stop).ConfigureAwait(false);
                lock (_gate)
                {
                    _restarts++;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            var running = IsProcessRunning;
            if (running)
            {
                SetState(ResourceState.Stopping);
            }
            await TerminateAsync(graceful: true).ConfigureAwait(false);
            SetState(ResourceState.Stopped, HealthStatus.Unknown, null);
        }
        catch (Exception e)
        {
            await TerminateAsync(graceful: false).ConfigureAwait(false);
            Log.Write($"failed to start: {e.Message}", true, isSystem: true);
            SetState(ResourceState.FailedToStart, HealthStatus.Unknown, e.Message);
        }
    }

    private async Task<ManagedProcess> LaunchAsync(CancellationToken stop)
    {
        ManagedProcess? main = null;
        foreach (var spec in _driver.GetProcesses(this))
        {
            var isMain = spec.DisplayName == DisplayName;
            main = ManagedProcess.Start(spec, (line, isError) => Log.Write(isMain ? line : $"[{spec.DisplayName}] {line}", isError));
            lock (_gate)
            {
                _processes.Add(main);
            }
            _owner.Journal?.Record(main.Identity, DisplayName);
            Log.Write($"started {spec.DisplayName} (pid {main.Pid})", false, isSystem: true);
            if (spec.ReadyCheck is { } check)
            {
                await WaitUntilReadyAsync(main, check, stop).ConfigureAwait(false);
            }
        }
        if (main is null)
        {
            throw new DistributedApplicationException($"{_driver.Resource} has no process to start.");
        }
        Update(() =>
        {
            _startedAt = DateTimeOffset.Now;
            _state = ResourceState.Running;
            _health = HealthStatus.Unknown;
            _message = null;
        });
        return main;
    }

    private static async Task WaitUntilReadyAsync(ManagedProcess process, Func<CancellationToken, Task<bool>> check, CancellationToken stop)
    {
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 10;
        string? error = null;
        while (!process.HasExited && Stopwatch.GetTimestamp() < deadline)
        {
            try
            {
                if (await check(stop).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (Exception e) when (e is SocketException or IOException)
            {
                error = e.Message;
            }
            await Task.Delay(25, stop).ConfigureAwait(false);
        }
        throw new DistributedApplicationException(process.HasExited
            ? $"{process.Spec.DisplayName} exited with code {await process.Exited.ConfigureAwait(false)}"
            : $"{process.Spec.DisplayName} did not become ready: {error}");
    }

    /// <summary>A clear message beats a server failing to bind in the middle of its own log.</summary>
    private void EnsurePortsAreFree()
    {
        foreach (var endpoint in _driver.Resource.Endpoints)
        {
            var port = _context.GetEndpoint(_driver.Resource, endpoint.Name, Replica).Port;
            if (!PortAllocator.IsFree(port))
            {
                var key = endpoint == _driver.Resource.Endpoints[0] ? _driver.Resource.Name : $"{_driver.Resource.Name}-{endpoint.Name}";
                throw new DistributedApplicationException(
                    $"port {port} ({endpoint.Name}) is already in use on 127.0.0.1; stop whatever holds it or choose another with --Ports:{key}=<port>");
            }
        }
    }

    private async Task MonitorHealthAsync(ManagedProcess? main, CancellationToken cancellationToken)
    {
        var ready = false;
        var since = Stopwatch.GetTimestamp();
        var attempt = 0;
        string? lastError = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            bool healthy;
            string? error = null;
            using (var probe = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                probe.CancelAfter(TimeSpan.FromSeconds(5));
                try
                {
                    healthy = await _driver.CheckHealthAsync(this, probe.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    healthy = false;
                    error = e.GetBaseException().Message;
                }
            }
            if (main is { HasExited: true })
            {
                return;
            }
            SetHealth(healthy ? HealthStatus.Healthy : HealthStatus.Unhealthy, healthy ? null : error);
            if (healthy && !ready)
            {
                ready = true;
                Log.Write($"ready after {Stopwatch.GetElapsedTime(since).TotalSeconds:0.0} s", false, isSystem: true);
            }
            else if (!healthy && error is not null && error != lastError && (ready || Stopwatch.GetElapsedTime(since) > TimeSpan.FromSeconds(10)))
            {
                // Refused connections while starting are expected; later, the reason is worth reading.
                Log.Write($"not healthy: {error}", true, isSystem: true);
                lastError = error;
            }
            if (ready)
            {
                main?.RefreshDescendants();
            }
            attempt++;
            var delay = ready ? HealthInterval : TimeSpan.FromMilliseconds(Math.Min(50 * attempt, 500));
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Main process first, then its helpers (epmd); then whatever any of them left behind.</summary>
    private async Task TerminateAsync(bool graceful)
    {
        List<ManagedProcess> processes;
        lock (_gate)
        {
            processes = _processes;
        }
        for (var i = processes.Count - 1; i >= 0; i--)
        {
            var process = processes[i];
            if (graceful && !process.HasExited)
            {
                Log.Write($"stopping {process.Spec.DisplayName} ({Native.SignalName(process.Spec.StopSignal)})", false, isSystem: true);
                await process.StopAsync(_context.Options.StopTimeout).ConfigureAwait(false);
            }
            process.Kill();
        }
        foreach (var process in processes)
        {
            await Task.WhenAny(process.Exited, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
            _owner.Journal?.Forget(process.Identity);
        }
        lock (_gate)
        {
            if (ReferenceEquals(_processes, processes))
            {
                _processes = [];
            }
        }
    }

    private void SetState(ResourceState state) => Update(() => _state = state);

    private void SetState(ResourceState state, HealthStatus health, string? message) => Update(() =>
    {
        _state = state;
        _health = health;
        _message = message;
    });

    private void SetHealth(HealthStatus health, string? message) => Update(() =>
    {
        _health = health;
        _message = message;
    });

    private void Update(Action change)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            change();
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }
}
