using HeartRule.Hosting.ApplicationModel;
using HeartRule.Hosting.Dashboard;
using HeartRule.Hosting.Orchestration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HeartRule.Hosting;

/// <summary>
/// The running application: the resources of the model, supervised, and the dashboard. From the AppHost:
/// <see cref="Run"/>. From a test: <see cref="StartAsync"/>, then the resource methods, then dispose.
/// </summary>
public sealed class DistributedApplication : IAsyncDisposable, IDisposable
{
    private readonly WebApplication _host;
    private readonly RuntimeContext _context;
    private readonly AppHostCommand _command;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private ProcessJournal? _journal;
    private Orchestrator? _orchestrator;
    private bool _hostStarted;
    private bool _disposed;

    internal DistributedApplication(WebApplication host, RuntimeContext context, AppHostCommand command)
    {
        _host = host;
        _context = context;
        _command = command;
        _logger = context.LoggerFactory.CreateLogger("HeartRule.AppHost");
        DashboardEndpoints.Map(host, this);
    }

    public static IDistributedApplicationBuilder CreateBuilder(string[] args) =>
        CreateBuilder(new DistributedApplicationOptions { Args = args });

    public static IDistributedApplicationBuilder CreateBuilder(DistributedApplicationOptions options) =>
        new DistributedApplicationBuilder(options);

    public IServiceProvider Services => _host.Services;

    public DistributedApplicationModel Model => _context.Model;

    /// <summary>Root of the resources' data folders.</summary>
    public string DataDirectory => _context.DataRoot;

    /// <summary>Known once started.</summary>
    public Uri? DashboardUrl { get; private set; }

    internal Orchestrator Orchestrator => _orchestrator ?? throw new InvalidOperationException("The application is not started.");

    internal bool IsStarted => _orchestrator is not null;

    public void Run() => RunAsync().GetAwaiter().GetResult();

    /// <summary>The AppHost's life: start, print where things are, run until Ctrl+C or SIGTERM, stop everything.</summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        if (_command == AppHostCommand.Wipe)
        {
            // Opening the journal first kills what a crashed run left behind, and refuses while another AppHost runs.
            var journal = ProcessJournal.Open(_context.DataRoot, m => _logger.LogWarning("{Message}", m));
            try
            {
                Wipe(_context.Options.WipeResources);
            }
            finally
            {
                journal.Close();
            }
            return;
        }

        var lifetime = Services.GetRequiredService<IHostApplicationLifetime>();
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        try
        {
            await StartCoreAsync(throwOnResourceFailure: false, stopping.Token).ConfigureAwait(false);
            await Task.Delay(Timeout.Infinite, stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Ctrl+C, SIGTERM, or the caller: time to stop.
        }
        catch (DistributedApplicationException e)
        {
            // Could not even begin (another AppHost on this data, the dashboard's port taken): say why, plainly.
            _logger.LogError("{Message}", e.Message);
            Environment.ExitCode = 1;
        }
        finally
        {
            _context.Console.WriteBanner("Stopping...");
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Starts every resource and returns once all are ready; throws (with their logs) if one is not.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default) =>
        StartCoreAsync(throwOnResourceFailure: true, cancellationToken);

    private async Task StartCoreAsync(bool throwOnResourceFailure, CancellationToken cancellationToken)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_orchestrator is not null)
            {
                throw new InvalidOperationException("The application is already started.");
            }
            _journal = ProcessJournal.Open(_context.DataRoot, m => _logger.LogWarning("{Message}", m));
            if (_context.Options.Wipe)
            {
                Wipe([]);
            }
            _orchestrator = new Orchestrator(_context, _journal);
            AppDomain.CurrentDomain.ProcessExit += OnProcessExit;

            try
            {
                await _host.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw new DistributedApplicationException($"The dashboard cannot listen: {e.Message.TrimEnd('.')}. Choose another port with --Ports:dashboard=<port>.", e);
            }
            _hostStarted = true;
            DashboardUrl = ReadDashboardUrl();
            if (_context.Options.WriteResourceOutputToConsole)
            {
                _context.Console.WriteBanner($"HeartRule AppHost — dashboard: {DashboardUrl}   data: {_context.DataRoot}");
            }
        }
        finally
        {
            _lifecycle.Release();
        }

        try
        {
            await _orchestrator.StartAsync(cancellationToken).ConfigureAwait(false);
            PrintUrls();
        }
        catch (DistributedApplicationException e) when (!throwOnResourceFailure)
        {
            // The AppHost keeps running: the dashboard shows what failed, and restarts may still bring it up.
            _logger.LogError("{Message}", e.Message);
            _context.Console.WriteBanner($"Not everything started; see the dashboard: {DashboardUrl}");
        }
    }

    /// <summary>Stops every resource in reverse dependency order, then the dashboard.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_orchestrator is not null)
            {
                await _orchestrator.StopAsync().ConfigureAwait(false);
            }
            if (_hostStarted)
            {
                _hostStarted = false;
                await _host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
            _journal?.Close();
            _journal = null;
            AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    // ---- Resources, for tests and the dashboard ----

    public IReadOnlyList<ResourceSnapshot> GetResources() => [.. Orchestrator.Runtimes.Select(r => r.Snapshot())];

    public ResourceSnapshot GetResource(string resourceName) => Orchestrator.Get(resourceName).Snapshot();

    /// <summary>
    /// URL of an endpoint of a resource (<c>http://127.0.0.1:port</c>, <c>tcp://...</c>): by default its first
    /// one; replicas by index. Known from build on: ports are allocated before anything starts.
    /// </summary>
    public Uri GetEndpoint(string resourceName, string? endpointName = null, int replica = 0)
    {
        var resource = Model.Get(resourceName) as Resource
            ?? throw new InvalidOperationException($"'{resourceName}' has no endpoints.");
        var endpoint = endpointName is null
            ? resource.Endpoints.FirstOrDefault(e => !e.IsInternal)
            : resource.GetEndpoint(endpointName);
        if (endpoint is null)
        {
            throw new InvalidOperationException($"'{resourceName}' has no endpoint{(endpointName is null ? "" : $" named '{endpointName}'")}.");
        }
        return new Uri(_context.GetEndpoint(resource, endpoint.Name, replica).Url);
    }

    /// <summary>The connection string the resource's consumers receive (<c>ConnectionStrings__name</c>).</summary>
    public string? GetConnectionString(string resourceName) =>
        Model.Get(resourceName) is IResourceWithConnectionString resource
            ? new ConnectionStringReference(resource).Resolve(_context)
            : null;

    public Task<string?> GetConnectionStringAsync(string resourceName, CancellationToken cancellationToken = default) =>
        Task.FromResult(GetConnectionString(resourceName));

    /// <summary>An HttpClient whose base address is the resource's http endpoint (of that replica).</summary>
    public HttpClient CreateHttpClient(string resourceName, string? endpointName = null, int replica = 0) =>
        new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = GetEndpoint(resourceName, endpointName ?? "http", replica) };

    /// <summary>The environment the resource's process receives (resolved), as the model builds it.</summary>
    public IReadOnlyDictionary<string, string> GetEnvironment(string resourceName, int replica = 0) =>
        ResourceEnvironment.Resolve(ResourceEnvironment.Build((Resource)Model.Get(resourceName), replica, _context.EnvironmentSettings), _context);

    public IReadOnlyList<ResourceLogLine> GetLogs(string resourceName, int replica = 0) =>
        Orchestrator.Get(resourceName).GetInstance(replica).Log.GetLines();

    public Task WaitForResourceHealthyAsync(string resourceName, int? replica = null, CancellationToken cancellationToken = default) =>
        WaitForResourceAsync(resourceName, s => s.IsReady, replica, cancellationToken);

    public async Task WaitForResourceAsync(string resourceName, Func<ResourceReplicaSnapshot, bool> predicate, int? replica = null, CancellationToken cancellationToken = default)
    {
        foreach (var instance in Orchestrator.Get(resourceName).Select(replica))
        {
            await instance.WaitForAsync(predicate, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Graceful stop (stop signal, then SIGKILL after the timeout); it stays stopped until started again.</summary>
    public Task StopResourceAsync(string resourceName, int? replica = null) =>
        Task.WhenAll(Orchestrator.Get(resourceName).Select(replica).Select(i => i.StopAsync()));

    /// <summary>Starts a stopped (or exited) resource and waits until it is ready again.</summary>
    public async Task StartResourceAsync(string resourceName, int? replica = null, CancellationToken cancellationToken = default)
    {
        var instances = Orchestrator.Get(resourceName).Select(replica).ToList();
        foreach (var instance in instances)
        {
            instance.Start();
        }
        foreach (var instance in instances)
        {
            await instance.WaitForAsync(s => s.IsReady || s.State == ResourceState.FailedToStart, cancellationToken).ConfigureAwait(false);
            if (instance.Snapshot() is { State: ResourceState.FailedToStart } failed)
            {
                throw new DistributedApplicationException($"{failed.DisplayName} failed to start: {failed.Message}");
            }
        }
    }

    public async Task RestartResourceAsync(string resourceName, int? replica = null, CancellationToken cancellationToken = default)
    {
        await StopResourceAsync(resourceName, replica).ConfigureAwait(false);
        await StartResourceAsync(resourceName, replica, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// SIGKILL to the replica's process, like a crash. It is restarted (with back-off, counted) unless
    /// <paramref name="restart"/> is false, in which case it stays down until <see cref="StartResourceAsync"/>.
    /// </summary>
    public void KillResource(string resourceName, int replica = 0, bool restart = true) =>
        KillResourceAsync(resourceName, replica, restart).GetAwaiter().GetResult();

    /// <inheritdoc cref="KillResource"/>
    public Task KillResourceAsync(string resourceName, int replica = 0, bool restart = true, CancellationToken cancellationToken = default) =>
        Orchestrator.Get(resourceName).GetInstance(replica).KillAsync(restart, cancellationToken);

    /// <summary>Every OS process of the application still alive, helpers and children included.</summary>
    public IReadOnlyList<ProcessIdentity> GetLiveProcesses() =>
        _orchestrator is null ? [] : [.. _orchestrator.Runtimes.SelectMany(r => r.Instances).SelectMany(i => i.LiveProcesses())];

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        await StopAsync().ConfigureAwait(false);
        _disposed = true;
        await _host.DisposeAsync().ConfigureAwait(false);
        _context.HttpClient.Dispose();
        if (_context.Options.DeleteDataDirectoryOnDispose)
        {
            DeleteDirectory(_context.DataRoot);
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private void Wipe(IReadOnlyList<string> resourceNames)
    {
        if (!Directory.Exists(_context.DataRoot))
        {
            return;
        }
        var targets = resourceNames.Count == 0
            ? Directory.EnumerateFileSystemEntries(_context.DataRoot).Where(p => !Path.GetFileName(p).StartsWith(".apphost", StringComparison.Ordinal)).ToList()
            : [.. resourceNames.Select(n => Path.Combine(_context.DataRoot, Model.Get(n).Name))];
        foreach (var target in targets)
        {
            _context.Console.WriteBanner($"wiping {target}");
            if (Directory.Exists(target))
            {
                DeleteDirectory(target);
            }
            else if (File.Exists(target))
            {
                File.Delete(target);
            }
        }
    }

    private static void DeleteDirectory(string path)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }
                return;
            }
            catch (IOException) when (attempt < 5)
            {
                // A server that just exited may still be removing its own files.
                Thread.Sleep(100);
            }
        }
    }

    private Uri? ReadDashboardUrl()
    {
        var address = _host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        return address is null ? null : new Uri(address);
    }

    private void PrintUrls()
    {
        if (!_context.Options.WriteResourceOutputToConsole)
        {
            return;
        }
        var lines = new List<string> { $"  Dashboard: {DashboardUrl}" };
        foreach (var runtime in Orchestrator.Runtimes)
        {
            lines.AddRange(runtime.ResolveUrls().Select(u => $"  {u.DisplayText}: {u.Url}"));
            lines.AddRange(runtime.Snapshot().Endpoints.Where(e => e.IsExternal).Select(e => $"  {runtime.Name}{(runtime.Instances.Count > 1 ? $"-{e.Replica}" : "")} ({e.Name}): {e.Url}"));
        }
        _context.Console.WriteBanner("Everything is ready.\n" + string.Join('\n', lines));
    }

    private void OnProcessExit(object? sender, EventArgs e) => _orchestrator?.KillAll();
}
