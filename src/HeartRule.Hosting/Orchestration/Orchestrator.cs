using System.Text;
using HeartRule.Hosting.ApplicationModel;

namespace HeartRule.Hosting.Orchestration;

/// <summary>Starts every resource as soon as what it waits for is ready, and stops them in reverse order.</summary>
internal sealed class Orchestrator
{
    private readonly RuntimeContext _context;
    private readonly Dictionary<string, ResourceRuntime> _byName = new(StringComparer.OrdinalIgnoreCase);

    public Orchestrator(RuntimeContext context, ProcessJournal? journal)
    {
        _context = context;
        var order = ResourceGraph.TopologicalOrder(context.Model.Resources);
        var runtimes = new List<ResourceRuntime>();
        foreach (var resource in order.OfType<Resource>().Where(r => r is not ParameterResource))
        {
            var runtime = new ResourceRuntime(resource, context, journal);
            runtime.Dependencies.AddRange(ResourceGraph.GetDependencies(resource).Select(d => _byName[d.Name]));
            _byName[resource.Name] = runtime;
            runtimes.Add(runtime);
        }
        Runtimes = runtimes;
    }

    /// <summary>In dependency order.</summary>
    public IReadOnlyList<ResourceRuntime> Runtimes { get; }

    public ResourceRuntime Get(string name) =>
        _byName.TryGetValue(name, out var runtime)
            ? runtime
            : throw new KeyNotFoundException($"No resource named '{name}'. Known: {string.Join(", ", _byName.Keys)}.");

    /// <summary>Launches everything and waits until every resource is ready; throws, with their logs, for those that are not.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var runtime in Runtimes)
        {
            runtime.Start();
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_context.Options.StartupTimeout);
        var waits = Runtimes.Select(r => (Runtime: r, Task: r.WaitUntilReadyAsync(timeout.Token))).ToList();
        try
        {
            await Task.WhenAll(waits.Select(w => w.Task)).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            var notReady = Runtimes.Where(r => !r.Snapshot().IsReady).ToList();
            bool Failed(ResourceRuntime r) => r.Instances.Any(i => i.Snapshot().State == ResourceState.FailedToStart);
            // The root causes: whoever failed itself, not those that waited for it.
            var culprits = notReady.Where(r => Failed(r) && !r.Dependencies.Any(Failed)).ToList();
            if (culprits.Count == 0)
            {
                culprits = notReady.Where(r => !r.Dependencies.Any(d => notReady.Contains(d))).ToList();
            }
            throw new DistributedApplicationException(Describe(culprits, timeout.IsCancellationRequested));
        }
    }

    /// <summary>A resource stops only after everything that waits for it has stopped.</summary>
    public async Task StopAsync()
    {
        var stops = new Dictionary<ResourceRuntime, Task>();
        foreach (var runtime in Runtimes.Reverse())
        {
            var dependents = Runtimes.Where(r => r.Dependencies.Contains(runtime)).Select(r => stops[r]).ToArray();
            stops[runtime] = StopAfter(runtime, dependents);
        }
        await Task.WhenAll(stops.Values).ConfigureAwait(false);

        static async Task StopAfter(ResourceRuntime runtime, Task[] dependents)
        {
            await Task.WhenAll(dependents).ConfigureAwait(false);
            await runtime.StopAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Last resort when the AppHost exits without stopping (an unhandled exception): no process survives us.</summary>
    public void KillAll()
    {
        foreach (var instance in Runtimes.SelectMany(r => r.Instances))
        {
            foreach (var process in instance.LiveProcesses())
            {
                Native.Signal(process.Pid, Native.SIGKILL);
                Native.SignalGroup(process.Pid, Native.SIGKILL);
            }
        }
    }

    private static string Describe(IReadOnlyList<ResourceRuntime> runtimes, bool timedOut)
    {
        var text = new StringBuilder(timedOut ? "Resources not ready in time: " : "Resources failed to start: ");
        text.AppendJoin(", ", runtimes.Select(r => r.Name)).AppendLine(".");
        foreach (var instance in runtimes.SelectMany(r => r.Instances))
        {
            var snapshot = instance.Snapshot();
            text.AppendLine().Append("--- ").Append(instance.DisplayName).Append(": ").Append(snapshot.State).Append(", ").Append(snapshot.Health);
            if (snapshot.Message is not null)
            {
                text.Append(" (").Append(snapshot.Message).Append(')');
            }
            text.AppendLine();
            foreach (var line in instance.Log.GetLines().TakeLast(25))
            {
                text.Append("    ").AppendLine(line.Text);
            }
        }
        return text.ToString();
    }
}
