using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HeartRule.IntegrationTests;

/// <summary>
/// The running processes of an Aspire app, one by one: every replica's latest state (its own address, its process
/// id, its health) and log lines, and the commands that stop, start or kill one. Aspire addresses a resource with
/// replicas as one (behind its proxy); the tests need each node on its own.
/// </summary>
public sealed class AppInstances : IAsyncDisposable
{
    private const string PidProperty = "executable.pid";

    private readonly ConcurrentDictionary<string, ResourceEvent> _latest = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _logs = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly DistributedApplication _app;
    private readonly Task _watch;
    private event Action? Changed;

    public AppInstances(DistributedApplication app)
    {
        _app = app;
        _watch = WatchAsync();
    }

    private async Task WatchAsync()
    {
        var loggers = _app.Services.GetRequiredService<ResourceLoggerService>();
        try
        {
            await foreach (var e in _app.ResourceNotifications.WatchAsync(_stop.Token))
            {
                if (_latest.TryAdd(e.ResourceId, e))
                {
                    var lines = _logs.GetOrAdd(e.ResourceId, _ => new());
                    _ = Task.Run(async () =>
                    {
                        await foreach (var batch in loggers.WatchAsync(e.ResourceId).WithCancellation(_stop.Token))
                            foreach (var line in batch) lines.Enqueue(line.Content);
                    });
                }
                _latest[e.ResourceId] = e;
                Changed?.Invoke();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The replicas of a resource, in a stable order (by their ids).</summary>
    public IReadOnlyList<ResourceEvent> Of(string resource) =>
        [.. _latest.Values.Where(e => e.Resource.Name == resource).OrderBy(e => e.ResourceId, StringComparer.Ordinal)];

    public ResourceEvent Instance(string resource, int replica = 0) => Of(resource)[replica];

    /// <summary>The replica's own address (not the proxy's), from the ASPNETCORE_URLS it was started with.</summary>
    public Uri HttpAddress(string resource, int replica = 0)
    {
        var urls = Instance(resource, replica).Snapshot.EnvironmentVariables.Single(v => v.Name == "ASPNETCORE_URLS").Value!;
        return new UriBuilder(new Uri(urls.Split(';')[0])) { Host = "127.0.0.1" }.Uri;
    }

    public IEnumerable<string> Logs(string resource, int replica = 0) =>
        _logs.TryGetValue(Instance(resource, replica).ResourceId, out var lines) ? lines : [];

    /// <summary>
    /// Kills the replica's process for real (SIGKILL), as a crash would; the AppHost starts it again.
    /// </summary>
    public DateTime Kill(string resource, int replica = 0)
    {
        var killedAt = DateTime.UtcNow;
        Process.GetProcessById(ProcessId(resource, replica)).Kill();
        return killedAt;
    }

    /// <summary>
    /// Stops the replica with a signal, as Kubernetes stops a pod (SIGTERM) or as a server offers a quick stop
    /// (PostgreSQL: SIGINT, "fast shutdown"; its SIGTERM waits for every client to leave), and waits until it has
    /// exited. A clean exit is not restarted: <see cref="StartAsync"/> starts it again.
    /// </summary>
    public async Task StopAsync(string resource, int replica = 0, string signal = "TERM")
    {
        var id = Instance(resource, replica).ResourceId;
        await SignalAsync(resource, replica, signal);
        await WaitUntilAsync(() => _latest[id].Snapshot.State?.Text is "Exited" or "Finished", TimeSpan.FromSeconds(30), $"{id} stopped");
    }

    /// <summary>Sends the replica's process a signal and nothing more (STOP freezes it, CONT thaws it).</summary>
    public async Task SignalAsync(string resource, int replica, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", ProcessId(resource, replica).ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>
    /// The replica's own process. A project runs under <c>dotnet run</c>, which is the process Aspire holds: the
    /// service is its child, and <c>dotnet run</c> exits as the service does.
    /// </summary>
    public int ProcessId(string resource, int replica)
    {
        var instance = Instance(resource, replica);
        var pid = Convert.ToInt32(instance.Snapshot.Properties.Single(p => p.Name == PidProperty).Value, CultureInfo.InvariantCulture);
        if (instance.Resource is not ProjectResource) return pid;
        var children = File.ReadAllText($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return children.Length == 1 ? int.Parse(children[0], CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"{instance.ResourceId}: dotnet run ({pid}) has {children.Length} child processes.");
    }

    public async Task StartAsync(string resource, int replica = 0)
    {
        var id = Instance(resource, replica).ResourceId;
        var result = await _app.ResourceCommands.ExecuteCommandAsync(id, KnownResourceCommands.StartCommand);
        if (!result.Success) throw new InvalidOperationException($"Starting {id} failed: {result.Message}");
        await WaitForHealthyAsync(resource, replica, startedAfter: DateTime.UtcNow.AddSeconds(-30));
    }

    /// <summary>
    /// Waits until the replica runs healthy, in a process started after <paramref name="startedAfter"/> if given. A
    /// restarted process is reported healthy from its previous run's checks at first, so a service's own
    /// <c>/health</c> is asked as well.
    /// </summary>
    public async Task WaitForHealthyAsync(string resource, int replica = 0, DateTime? startedAfter = null, TimeSpan? timeout = null)
    {
        var id = Instance(resource, replica).ResourceId;
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        await WaitUntilAsync(() => _latest.TryGetValue(id, out var e)
            && e.Snapshot.State?.Text == KnownResourceStates.Running
            && e.Snapshot.HealthStatus == HealthStatus.Healthy
            && (startedAfter is null || e.Snapshot.StartTimeStamp > startedAfter), deadline - DateTime.UtcNow, $"{id} healthy");
        if (Instance(resource, replica).Resource is not ProjectResource) return;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var health = new Uri(HttpAddress(resource, replica), "/health");
        while (true)
        {
            try
            {
                if ((await http.GetAsync(health)).IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{health} did not answer healthy.");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Whether the replica's own <c>/health</c> answers healthy within <paramref name="timeout"/>: what a Kubernetes
    /// probe asks of one pod. (Aspire's own check of a resource with replicas goes through its proxy, to any replica.)
    /// </summary>
    public async Task<bool> AnswersHealthAsync(string resource, int replica, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = timeout };
        try
        {
            return (await http.GetAsync(new Uri(HttpAddress(resource, replica), "/health"))).IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds, checked on every state change (and every second).</summary>
    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var changed = new SemaphoreSlim(0);
        void OnChanged() => changed.Release();
        Changed += OnChanged;
        try
        {
            var deadline = DateTime.UtcNow + timeout;
            while (!condition())
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero) throw new TimeoutException($"Timed out waiting for {what}.");
                await changed.WaitAsync(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1));
            }
        }
        finally
        {
            Changed -= OnChanged;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _watch;
        _stop.Dispose();
    }
}
