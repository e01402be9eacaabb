using System.Net.Http.Json;
using System.Text.Json;
using HeartRule.Hosting;
using HeartRule.Hosting.ApplicationModel;
using HeartRule.Hosting.Testing;
using HeartRule.Protocol;

namespace HeartRule.IntegrationTests;

/// <summary>
/// The whole system, started once for a test collection through the AppHost's own model: real PostgreSQL,
/// Redis and RabbitMQ, two gateway nodes, two Sessions instances, random ports, a throw-away data folder.
/// </summary>
public sealed class SystemFixture : IAsyncLifetime
{
    /// <summary>Short enough for a test to watch it happen; every other test keeps its sockets busy.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(8);
    public const int MaxConnectionsPerUser = 6;
    /// <summary>Short, so that watching a stalled handshake being cut off takes the test little time.</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan LlmLatency = TimeSpan.FromMilliseconds(300);

    private readonly HttpClient _http = new();

    public DistributedApplication App { get; private set; } = null!;

    public Uri GatewayHttp(int node = 0) => App.GetEndpoint("gateway", replica: node);

    public Uri GatewayWs(int node = 0) => new UriBuilder(GatewayHttp(node)) { Scheme = "ws", Path = "/ws" }.Uri;

    public string DatabaseConnectionString => App.GetConnectionString("heartrule")!;

    public async Task InitializeAsync()
    {
        App = await DistributedApplicationTestingBuilder.StartAsync<Projects.HeartRule_AppHost>(configureBuilder: builder =>
        {
            Project(builder, "gateway").WithReplicas(2)
                .WithEnvironment("Gateway__IdleTimeout", IdleTimeout.ToString())
                .WithEnvironment("Gateway__HandshakeTimeout", HandshakeTimeout.ToString())
                .WithEnvironment("Gateway__MaxConnectionsPerUser", MaxConnectionsPerUser.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .WithEnvironment("Gateway__AllowedOrigins__0", "https://studio.heartrule.test");
            // "Processing input …" is a Debug line; the crash tests read it to find the instance holding a turn.
            Project(builder, "sessions").WithReplicas(2).WithEnvironment("Logging__LogLevel__HeartRule.Sessions.TurnProcessor", "Debug");
            // A model that takes a moment, like a real one: long enough to kill a process in the middle of a turn.
            Project(builder, "scriptengine").WithEnvironment("Engine__SimulatedLlmLatency", LlmLatency.ToString());
        });
    }

    private static IResourceBuilder<ProjectResource> Project(IDistributedApplicationTestingBuilder builder, string name) =>
        builder.CreateResourceBuilder((ProjectResource)builder.Resources.Single(r => r.Name == name));

    public async Task<string> TokenAsync(string userId, int node = 0)
    {
        using var response = await _http.PostAsJsonAsync(new Uri(GatewayHttp(node), "/auth/dev-token"), new { userId });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("accessToken").GetString()!;
    }

    /// <summary>A client that pings now and then (as real ones do), unless <paramref name="silent"/>.</summary>
    public async Task<HeartRuleClient> ConnectAsync(string userId, int node = 0, bool silent = false) =>
        await HeartRuleClient.ConnectAsync(GatewayWs(node), await TokenAsync(userId, node), keepAlive: silent ? null : IdleTimeout / 4);

    public async Task DisposeAsync()
    {
        _http.Dispose();
        if (App is not null) await App.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<SystemFixture>
{
    public const string Name = "system";
}
