using System.Reflection;
using HeartRule.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HeartRule.Hosting.Testing;

/// <summary>
/// Runs an AppHost's own Program in the test process, as Aspire's testing builder does: the same model, the
/// same resources, but free ports everywhere, a throw-away data folder (deleted on dispose), no console
/// output, and no fsync in PostgreSQL.
/// <code>
/// await using var app = await DistributedApplicationTestingBuilder.StartAsync&lt;Projects.HeartRule_AppHost&gt;();
/// var gateway = app.GetEndpoint("gateway");
/// var db = app.GetConnectionString("heartrule");
/// app.KillResource("sessions");
/// </code>
/// </summary>
public static class DistributedApplicationTestingBuilder
{
    /// <summary>Every test application's data folder lives here, so that the next test run can clean up after a killed one.</summary>
    private static readonly string TestDataRoot = Path.Combine(Path.GetTempPath(), "heartrule-tests");
    private static int s_swept;

    /// <summary>
    /// Runs the Program of the AppHost that <typeparamref name="TEntryPoint"/> belongs to (<c>Projects.HeartRule_AppHost</c>,
    /// or any type of the AppHost's assembly) up to its <c>Build()</c>, and returns its builder.
    /// </summary>
    public static async Task<IDistributedApplicationTestingBuilder> CreateAsync<TEntryPoint>(
        string[]? args = null,
        Action<DistributedApplicationOptions>? configureOptions = null,
        CancellationToken cancellationToken = default) where TEntryPoint : class
    {
        var assembly = FindAppHostAssembly(typeof(TEntryPoint));
        var entryPoint = assembly.EntryPoint ?? throw new InvalidOperationException($"{assembly.GetName().Name} has no entry point; is it the AppHost?");
        var interception = new TestingInterception(options => ApplyTestDefaults(options, configureOptions), assembly);

        // Set here, inside this async method: the value flows into the Program below and not back to the caller.
        TestingInterception.Current.Value = interception;
        await Task.Run(async () =>
        {
            try
            {
                var result = entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? [] : [args ?? []]);
                if (result is Task task)
                {
                    await task.ConfigureAwait(false);
                }
            }
            catch (TargetInvocationException e) when (e.InnerException is AppHostCapturedException)
            {
            }
            catch (AppHostCapturedException)
            {
            }
        }, cancellationToken).ConfigureAwait(false);

        return interception.Captured is { } builder
            ? new TestingBuilder(builder)
            : throw new InvalidOperationException($"The Program of {assembly.GetName().Name} returned without calling DistributedApplication.CreateBuilder(...).Build().");
    }

    /// <summary>An empty application with the test defaults, to add resources to by hand.</summary>
    public static IDistributedApplicationTestingBuilder Create(params string[] args) => Create(args, null);

    public static IDistributedApplicationTestingBuilder Create(string[] args, Action<DistributedApplicationOptions>? configureOptions)
    {
        var options = new DistributedApplicationOptions { Args = args, AppHostDirectory = AppContext.BaseDirectory };
        ApplyTestDefaults(options, configureOptions);
        return new TestingBuilder(new DistributedApplicationBuilder(options));
    }

    /// <summary>Create, build and start the AppHost in one go; the application is ready when this returns.</summary>
    public static async Task<DistributedApplication> StartAsync<TEntryPoint>(
        string[]? args = null,
        Action<DistributedApplicationOptions>? configureOptions = null,
        Action<IDistributedApplicationTestingBuilder>? configureBuilder = null,
        CancellationToken cancellationToken = default) where TEntryPoint : class
    {
        var builder = await CreateAsync<TEntryPoint>(args, configureOptions, cancellationToken).ConfigureAwait(false);
        configureBuilder?.Invoke(builder);
        var app = await builder.BuildAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            return app;
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static void ApplyTestDefaults(DistributedApplicationOptions options, Action<DistributedApplicationOptions>? configure)
    {
        options.IsTesting = true;
        options.RandomPorts = true;
        options.Ephemeral = true;
        options.DeleteDataDirectoryOnDispose = true;
        if (Interlocked.Exchange(ref s_swept, 1) == 0)
        {
            Orchestration.ProcessJournal.SweepAbandoned(TestDataRoot, minimumAge: TimeSpan.FromMinutes(10));
        }
        options.DataDirectory = Path.Combine(TestDataRoot, Guid.NewGuid().ToString("N")[..12]);
        options.WriteResourceOutputToConsole = false;
        options.DashboardPort = 0;
        options.EnvironmentName = "Development";
        options.StartupTimeout = TimeSpan.FromMinutes(2);
        options.StopTimeout = TimeSpan.FromSeconds(5);
        options.RestartDelay = TimeSpan.FromMilliseconds(200);
        configure?.Invoke(options);
    }

    private static Assembly FindAppHostAssembly(Type type)
    {
        if (type.Assembly.EntryPoint is not null && !typeof(IProjectMetadata).IsAssignableFrom(type))
        {
            return type.Assembly;
        }
        // Projects.X: the AppHost generates it for itself, so its own assembly is the AppHost; else load it by name.
        if (typeof(IProjectMetadata).IsAssignableFrom(type) && Activator.CreateInstance(type) is IProjectMetadata metadata)
        {
            var name = Path.GetFileNameWithoutExtension(metadata.ProjectPath);
            return string.Equals(type.Assembly.GetName().Name, name, StringComparison.OrdinalIgnoreCase)
                ? type.Assembly
                : Assembly.Load(new AssemblyName(name));
        }
        return type.Assembly;
    }

    private sealed class TestingBuilder(DistributedApplicationBuilder inner) : IDistributedApplicationTestingBuilder
    {
        private bool _built;

        public ConfigurationManager Configuration => inner.Configuration;

        public IHostEnvironment Environment => inner.Environment;

        public IServiceCollection Services => inner.Services;

        public string AppHostDirectory => inner.AppHostDirectory;

        public DistributedApplicationOptions Options => inner.Options;

        public IReadOnlyList<IResource> Resources => inner.Resources;

        public IResourceBuilder<T> AddResource<T>(T resource) where T : IResource => inner.AddResource(resource);

        public IResourceBuilder<T> CreateResourceBuilder<T>(T resource) where T : IResource => inner.CreateResourceBuilder(resource);

        public DistributedApplication Build()
        {
            _built = true;
            return inner.BuildCore();
        }

        public Task<DistributedApplication> BuildAsync(CancellationToken cancellationToken = default) => Task.FromResult(Build());

        public ValueTask DisposeAsync()
        {
            // Built: the application owns (and deletes) the data folder. Not built: nothing was started.
            if (!_built && Options.DeleteDataDirectoryOnDispose && Options.DataDirectory is { } data && Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
            return ValueTask.CompletedTask;
        }
    }
}
