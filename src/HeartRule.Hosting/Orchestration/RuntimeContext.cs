using System.Globalization;
using System.Security.Cryptography;
using HeartRule.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace HeartRule.Hosting.Orchestration;

/// <summary>
/// What the running application has decided: the port of every endpoint of every replica, the secrets,
/// the data folders. It resolves the model's symbolic values (<see cref="IValueResolver"/>).
/// </summary>
internal sealed class RuntimeContext : IValueResolver
{
    private readonly Dictionary<(IResource Resource, string Endpoint, int Replica), AllocatedEndpoint> _endpoints = [];
    private readonly Dictionary<ParameterResource, string> _parameters = [];
    private readonly Lock _gate = new();

    public RuntimeContext(DistributedApplicationModel model, DistributedApplicationOptions options, IConfiguration configuration,
        string dataRoot, EnvironmentSettings environmentSettings, ILoggerFactory loggerFactory)
    {
        Model = model;
        Options = options;
        Configuration = configuration;
        DataRoot = dataRoot;
        EnvironmentSettings = environmentSettings;
        LoggerFactory = loggerFactory;
        AllocateEndpoints();
    }

    public DistributedApplicationModel Model { get; }

    public DistributedApplicationOptions Options { get; }

    public IConfiguration Configuration { get; }

    public string DataRoot { get; }

    public EnvironmentSettings EnvironmentSettings { get; }

    public ILoggerFactory LoggerFactory { get; }

    public ConsoleOutput Console { get; } = new();

    /// <summary>For health probes: never through a proxy, short timeouts.</summary>
    public HttpClient HttpClient { get; } = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromSeconds(30) })
    {
        Timeout = TimeSpan.FromSeconds(3),
    };

    public string GetDataDirectory(IResource resource) => Path.Combine(DataRoot, resource.Name);

    public AllocatedEndpoint GetEndpoint(IResource resource, string endpointName, int replica)
    {
        var endpointKey = (resource as Resource)?.GetEndpoint(endpointName)?.Name ?? endpointName;
        return _endpoints.TryGetValue((resource, endpointKey, replica), out var endpoint)
            ? endpoint
            : throw new DistributedApplicationException($"'{resource.Name}' has no endpoint '{endpointName}' for replica {replica}.");
    }

    public string? GetConfiguredConnectionString(IResourceWithConnectionString resource)
    {
        var configured = Configuration.GetConnectionString(resource.Name);
        return string.IsNullOrWhiteSpace(configured) ? null : configured;
    }

    public string GetParameterValue(ParameterResource parameter)
    {
        lock (_gate)
        {
            if (_parameters.TryGetValue(parameter, out var known))
            {
                return known;
            }
            var value = Configuration[$"Parameters:{parameter.Name}"];
            if (string.IsNullOrEmpty(value))
            {
                if (!parameter.Generated)
                {
                    throw new DistributedApplicationException($"Parameter '{parameter.Name}' has no value: set Parameters:{parameter.Name}.");
                }
                value = LoadOrGenerate(parameter);
            }
            _parameters[parameter] = value;
            return value;
        }
    }

    /// <summary>Generated once and kept next to the data it protects: a server initialised with it needs it again.</summary>
    private string LoadOrGenerate(ParameterResource parameter)
    {
        var folder = Path.Combine(DataRoot, parameter.Owner ?? "parameters");
        var file = Path.Combine(folder, parameter.Name);
        if (File.Exists(file))
        {
            var stored = File.ReadAllText(file).Trim();
            if (stored.Length > 0)
            {
                return stored;
            }
        }
        // Letters and digits only: the value goes into URLs (amqp://user:pass@...) and connection strings unescaped.
        var value = RandomNumberGenerator.GetString("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 24);
        Directory.CreateDirectory(folder);
        File.WriteAllText(file, value);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return value;
    }

    public int GetDashboardPort()
    {
        if (Options.DashboardPort is { } port)
        {
            return port;
        }
        return Options.RandomPorts ? 0 : ConfiguredPort("dashboard") ?? 18888;
    }

    private int? ConfiguredPort(string key) =>
        int.TryParse(Configuration[$"Ports:{key}"], NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : null;

    /// <summary>
    /// Every endpoint gets its port before anything starts, so that each service's environment can name the
    /// URLs of the services it references, replicas included. Fixed defaults unless overridden by
    /// <c>Ports:&lt;resource&gt;</c> (first endpoint) or <c>Ports:&lt;resource&gt;-&lt;endpoint&gt;</c>; replica i adds i.
    /// </summary>
    private void AllocateEndpoints()
    {
        var taken = new HashSet<int>();
        var pending = new List<(Resource Resource, EndpointAnnotation Endpoint, int Replica)>();
        foreach (var resource in Model.Resources.OfType<Resource>())
        {
            for (var e = 0; e < resource.Endpoints.Count; e++)
            {
                var endpoint = resource.Endpoints[e];
                var basePort = Options.RandomPorts
                    ? null
                    : ConfiguredPort($"{resource.Name}-{endpoint.Name}") ?? (e == 0 ? ConfiguredPort(resource.Name) : null) ?? endpoint.Port;
                for (var replica = 0; replica < resource.Replicas; replica++)
                {
                    if (basePort is { } fixedPort)
                    {
                        var port = fixedPort + replica;
                        if (!taken.Add(port))
                        {
                            throw new DistributedApplicationException($"Port {port} is given twice (endpoint '{endpoint.Name}' of '{resource.Name}'); set Ports:{resource.Name} to another one.");
                        }
                        _endpoints[(resource, endpoint.Name, replica)] = new AllocatedEndpoint(endpoint.UriScheme, "127.0.0.1", port);
                    }
                    else
                    {
                        pending.Add((resource, endpoint, replica));
                    }
                }
            }
        }
        // Free ports last, so that they never take a fixed port asked for by someone else.
        foreach (var (resource, endpoint, replica) in pending)
        {
            _endpoints[(resource, endpoint.Name, replica)] = new AllocatedEndpoint(endpoint.UriScheme, "127.0.0.1", PortAllocator.GetFreePort(taken));
        }
    }
}
