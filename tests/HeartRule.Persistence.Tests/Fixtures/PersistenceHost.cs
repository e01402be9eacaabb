using System.Net.Http.Headers;
using HeartRule.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace HeartRule.Persistence.Tests.Fixtures;

/// <summary>
/// The Persistence service itself (the same composition as its Program), hosted in the test process on a
/// random port against a real database and broker. Each host consumes from a queue of its own, so a host
/// never takes turns meant for another test's database.
/// </summary>
public sealed class PersistenceHost : IAsyncDisposable
{
    public const string SigningKey = "persistence-tests-signing-key-0123456789abcdef";

    private readonly WebApplication _app;
    private readonly List<HttpClient> _clients = [];

    private PersistenceHost(WebApplication app, Uri address, string queue)
    {
        _app = app;
        Address = address;
        Queue = queue;
    }

    public Uri Address { get; }

    /// <summary>The queue this host's turn consumer reads.</summary>
    public string Queue { get; }

    public IServiceProvider Services => _app.Services;

    public T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    /// <param name="queue">The turn queue to consume; a new one by default (pass a previous host's to take over its messages).</param>
    /// <param name="configure">Replaces services before the host is built (e.g. a fake clock).</param>
    public static async Task<PersistenceHost> StartAsync(string database, string messaging, IReadOnlyDictionary<string, string>? settings = null, string? queue = null,
        Action<WebApplicationBuilder>? configure = null)
    {
        queue ??= "turn-completed-test-" + Guid.NewGuid().ToString("N")[..10];
        var values = new Dictionary<string, string>
        {
            ["ConnectionStrings:heartrule"] = database,
            ["ConnectionStrings:messaging"] = messaging,
            ["Auth:SigningKey"] = SigningKey,
            ["Persistence:Batch:Queue"] = queue,
            ["urls"] = "http://127.0.0.1:0",
            ["environment"] = "Development",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:HeartRule"] = "Information",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) values[key] = value;

        var app = PersistenceApp.Build([.. values.Select(kv => $"--{kv.Key}={kv.Value}")], configure);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new PersistenceHost(app, new Uri(address), queue);
    }

    public static string Token(string userId, params string[] roles) => new DevTokenIssuer(new AuthOptions { SigningKey = SigningKey }).Issue(userId, roles: roles);

    /// <summary>A token of the kind a service mints for its own calls (role <c>service</c>).</summary>
    public static string ServiceToken(string service = "sessions") =>
        new ServiceTokenIssuer(new AuthOptions { SigningKey = SigningKey }, new TestEnvironment("HeartRule." + service), TimeProvider.System).Current();

    /// <summary>A client signed in as <paramref name="userId"/> with <paramref name="roles"/> (a client's when none), or anonymous when null.</summary>
    public HttpClient Client(string? userId, params string[] roles) =>
        WithToken(userId is null ? null : Token(userId, roles));

    /// <summary>A client calling as another HeartRule service (the internal routes).</summary>
    public HttpClient ServiceClient() => WithToken(ServiceToken());

    private HttpClient WithToken(string? token)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = Address };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _clients.Add(client);
        return client;
    }

    private sealed class TestEnvironment(string name) : Microsoft.Extensions.Hosting.IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Development";
        public string ApplicationName { get; set; } = name;
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients) client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
