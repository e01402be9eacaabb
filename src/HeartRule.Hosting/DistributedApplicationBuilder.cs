using System.Net;
using System.Reflection;
using HeartRule.Hosting.ApplicationModel;
using HeartRule.Hosting.Dashboard;
using HeartRule.Hosting.Orchestration;
using HeartRule.Hosting.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HeartRule.Hosting;

internal sealed class DistributedApplicationBuilder : IDistributedApplicationBuilder
{
    internal const string AppHostProjectPathMetadata = "HeartRule.AppHostProjectPath";

    private readonly WebApplicationBuilder _host;
    private readonly List<IResource> _resources = [];
    private readonly TestingInterception? _interception;

    public DistributedApplicationBuilder(DistributedApplicationOptions options)
    {
        _interception = TestingInterception.Current.Value;
        if (_interception is { Captured: null })
        {
            _interception.Configure(options);
        }
        Options = options;

        var (args, command) = AppHostCommandLine.Parse(options);
        Command = command;
        AppHostDirectory = options.AppHostDirectory ?? FindAppHostDirectory(options.AppHostAssembly ?? Assembly.GetEntryAssembly());

        // The dashboard's web server, the configuration, the logging and Ctrl+C handling all come from one host.
        _host = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppHostDirectory,
        });
        _host.Logging.ClearProviders();
        if (options.WriteResourceOutputToConsole)
        {
            _host.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
        }
        _host.Logging.AddFilter("Microsoft", LogLevel.Warning);
        // Start failures are reported once, by us, with what to do about them.
        _host.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        if (options.IsTesting)
        {
            // A test process must keep its own signal handling; the test disposes the application.
            _host.Services.AddSingleton<IHostLifetime, TestingHostLifetime>();
        }
        _host.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(1));
    }

    internal AppHostCommand Command { get; }

    public ConfigurationManager Configuration => _host.Configuration;

    public IHostEnvironment Environment => _host.Environment;

    public IServiceCollection Services => _host.Services;

    public string AppHostDirectory { get; }

    public DistributedApplicationOptions Options { get; }

    public IReadOnlyList<IResource> Resources => _resources;

    public IResourceBuilder<T> AddResource<T>(T resource) where T : IResource
    {
        if (_resources.Any(r => string.Equals(r.Name, resource.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new DistributedApplicationException($"A resource named '{resource.Name}' already exists.");
        }
        _resources.Add(resource);
        return CreateResourceBuilder(resource);
    }

    public IResourceBuilder<T> CreateResourceBuilder<T>(T resource) where T : IResource => new ResourceBuilder<T>(this, resource);

    public DistributedApplication Build()
    {
        // Under DistributedApplicationTestingBuilder the AppHost's Program stops here: the test takes the builder.
        if (_interception is { Captured: null } interception)
        {
            interception.Captured = this;
            throw new AppHostCapturedException();
        }
        return BuildCore();
    }

    internal DistributedApplication BuildCore()
    {
        var model = new DistributedApplicationModel([.. _resources]);
        ResourceGraph.TopologicalOrder(model.Resources); // fail now, not halfway through a start

        var dataRoot = Path.GetFullPath(Options.DataDirectory ?? Configuration["AppHost:DataDirectory"] ?? Path.Combine(FindRepositoryRoot(AppHostDirectory), ".data"));
        var settings = new EnvironmentSettings(
            Options.EnvironmentName ?? Configuration["AppHost:ServiceEnvironment"] ?? "Development",
            Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"],
            Configuration["OTEL_EXPORTER_OTLP_PROTOCOL"],
            Configuration["OTEL_EXPORTER_OTLP_HEADERS"]);

        var dashboardPort = Options.DashboardPort ?? (Options.RandomPorts ? 0 : int.TryParse(Configuration["Ports:dashboard"], out var configured) ? configured : 18888);
        _host.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, dashboardPort));
        var app = _host.Build();
        var context = new RuntimeContext(model, Options, Configuration, dataRoot, settings, app.Services.GetRequiredService<ILoggerFactory>());
        return new DistributedApplication(app, context, Command);
    }

    /// <summary>The AppHost project's folder from the metadata its build generated; else where it runs from.</summary>
    private static string FindAppHostDirectory(Assembly? assembly)
    {
        var projectPath = assembly?.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == AppHostProjectPathMetadata)?.Value;
        var directory = projectPath is null ? null : Path.GetDirectoryName(projectPath);
        return directory is not null && Directory.Exists(directory) ? directory : AppContext.BaseDirectory;
    }

    /// <summary>The folder holding .git or the solution, so that .data sits at the repository root.</summary>
    private static string FindRepositoryRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (Directory.Exists(Path.Combine(directory.FullName, ".git")) || directory.EnumerateFiles("*.sln").Any())
            {
                return directory.FullName;
            }
        }
        return start;
    }
}
