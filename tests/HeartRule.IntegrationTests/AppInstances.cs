using System.Collections.Concurrent;
using System.Diagnostics;
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
    /// Kills the replica's process for real (SIGKILL). A project runs under <c>dotnet run</c>: the service is the
    /// child of the process Aspire holds, and killing it makes <c>dotnet run</c> exit with its failure, as a crash does.
    /// </summary>
    public DateTime Kill(string resource, int replica = 0)
    {
        var pid = Convert.ToInt32(Instance(resource, replica).Snapshot.Properties.Single(p => p.Name == PidProperty).Value, System.Globalization.CultureInfo.InvariantCulture);
        var children = File.Exists($"/proc/{pid}/task/{pid}/children")
            ? File.ReadAllText($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray()
            : [];
        var target = Instance(resource, replica).Resource is ProjectResource && children.Length > 0 ? children[0] : pid;
        var killedAt = DateTime.UtcNow;
        Process.GetProcessById(target).Kill();
        return killedAt;
    }

    public async Task StopAsync(string resource, int replica = 0)
    {
        var id = Instance(resource, replica).ResourceId;
        var result = await _app.ResourceCommands.ExecuteCommandAsync(id, KnownResourceCommands.StopCommand);
        if (!result.Success) throw new InvalidOperationException($"Stopping {id} failed: {result.Message}");
    }

    public async Task StartAsync(string resource, int replica = 0)
    {
        var id = Instance(resource, replica).ResourceId;
        var result = await _app.ResourceCommands.ExecuteCommandAsync(id, KnownResourceCommands.StartCommand);
        if (!result.Success) throw new InvalidOperationException($"Starting {id} failed: {result.Message}");
        await WaitForHealthyAsync(resource, replica, startedAfter: DateTime.UtcNow.AddSeconds(-30));
    }

    /// <summary>Waits until the replica runs healthy, in a process started after <paramref name="startedAfter"/> if given.</summary>
    public async Task WaitForHealthyAsync(string resource, int replica = 0, DateTime? startedAfter = null, TimeSpan? timeout = null)
    {
        var id = Instance(resource, replica).ResourceId;
        await WaitUntilAsync(() => _latest.TryGetValue(id, out var e)
            && e.Snapshot.State?.Text == KnownResourceStates.Running
            && e.Snapshot.HealthStatus == HealthStatus.Healthy
            && (startedAfter is null || e.Snapshot.StartTimeStamp > startedAfter), timeout ?? TimeSpan.FromSeconds(90), $"{id} healthy");
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
