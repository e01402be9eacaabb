using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using HeartRule.Protocol;

namespace HeartRule.IntegrationTests;

/// <summary>
/// The whole system, started once for a test collection from the real AppHost through Aspire's testing builder:
/// real PostgreSQL, Redis and RabbitMQ, two gateway nodes, two Sessions instances, random ports, a throw-away data
/// folder.
/// </summary>
public sealed class SystemFixture : IAsyncLifetime
{
    /// <summary>Short enough for a test to watch it happen; every other test keeps its sockets busy.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(8);
    public const int MaxConnectionsPerUser = 6;
    /// <summary>Short, so that watching a stalled handshake being cut off takes the test little time.</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan LlmLatency = TimeSpan.FromMilliseconds(300);
    /// <summary>Short, so that a token's expiry and its warning happen within a test.</summary>
    public static readonly TimeSpan TokenExpiryWarning = TimeSpan.FromSeconds(3);

    private readonly HttpClient _http = new();
    private readonly string _data = DataFolder();

    public DistributedApplication App { get; private set; } = null!;

    /// <summary>Each process of the app on its own: addresses of single nodes, logs, kill, stop and start.</summary>
    public AppInstances Instances { get; private set; } = null!;

    /// <summary>Receives what the services export over OTLP.</summary>
    public OtlpReceiver Telemetry { get; } = new();

    public Uri GatewayHttp(int node = 0) => Instances.HttpAddress("gateway", node);

    public Uri GatewayWs(int node = 0) => new UriBuilder(GatewayHttp(node)) { Scheme = "ws", Path = "/ws" }.Uri;

    public async Task<string> ConnectionStringAsync(string resource) =>
        (await App.GetConnectionStringAsync(resource))!;

    public async Task InitializeAsync()
    {
        await Telemetry.StartAsync();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.HeartRule_AppHost>(
        [
            $"--DataDirectory={_data}",
            "--Infrastructure:Ephemeral=true",
            "--Replicas:gateway=2",
            "--Replicas:sessions=2",
        ]);
        Project(builder, "gateway")
            .WithEnvironment("Gateway__IdleTimeout", IdleTimeout.ToString())
            .WithEnvironment("Gateway__HandshakeTimeout", HandshakeTimeout.ToString())
            .WithEnvironment("Gateway__MaxConnectionsPerUser", MaxConnectionsPerUser.ToString(CultureInfo.InvariantCulture))
            .WithEnvironment("Gateway__AllowedOrigins__0", "https://studio.heartrule.test")
            .WithEnvironment("Gateway__TokenExpiryWarning", TokenExpiryWarning.ToString());
        // "Processing input …" is a Debug line; the crash tests read it to find the instance holding a turn.
        Project(builder, "sessions").WithEnvironment("Logging__LogLevel__HeartRule.Sessions.TurnProcessor", "Debug");
        // A model that takes a moment, like a real one: long enough to kill a process in the middle of a turn.
        Project(builder, "scriptengine").WithEnvironment("Engine__SimulatedLlmLatency", LlmLatency.ToString())
            // Streamed in pieces, as a real model streams: a reply generated within the deltas' flush interval is not streamed.
            .WithEnvironment("Engine__SimulatedTokenInterval", TimeSpan.FromMilliseconds(5).ToString());
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            builder.CreateResourceBuilder(project)
                .WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", Telemetry.Endpoint.ToString())
                .WithEnvironment("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
                .WithEnvironment("OTEL_BSP_SCHEDULE_DELAY", "200")
                .WithEnvironment("OTEL_TRACES_SAMPLER", "always_on");
        }

        App = await builder.BuildAsync();
        Instances = new AppInstances(App);
        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await App.StartAsync(startup.Token);
        foreach (var resource in new[] { "persistence", "scriptengine", "sessions", "gateway" })
        {
            await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, startup.Token);
        }
        for (var replica = 0; replica < 2; replica++)
        {
            await Instances.WaitForHealthyAsync("gateway", replica);
            await Instances.WaitForHealthyAsync("sessions", replica);
        }
    }

    /// <summary>Open to other users: PostgreSQL runs as its own user and must reach its folder inside.</summary>
    private static string DataFolder()
    {
        var folder = Directory.CreateTempSubdirectory("heartrule-it-").FullName;
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_101);
        return folder;
    }

    private static IResourceBuilder<ProjectResource> Project(IDistributedApplicationTestingBuilder builder, string name) =>
        builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == name));

    /// <param name="roles">The roles to ask the Development endpoint for (a client's when none).</param>
    public async Task<string> TokenAsync(string userId, int node = 0, params string[] roles)
    {
        using var response = await _http.PostAsJsonAsync(new Uri(GatewayHttp(node), "/auth/dev-token"), new { userId, roles = roles.Length == 0 ? null : roles });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("accessToken").GetString()!;
    }

    /// <summary>A client that pings now and then (as real ones do), unless <paramref name="silent"/>.</summary>
    public async Task<HeartRuleClient> ConnectAsync(string userId, int node = 0, bool silent = false, params string[] roles) =>
        await HeartRuleClient.ConnectAsync(GatewayWs(node), await TokenAsync(userId, node, roles), keepAlive: silent ? null : IdleTimeout / 4);

    /// <summary>Waits until exactly <paramref name="turns"/> turns of the session are stored (turns are written in batches, a moment after they are delivered).</summary>
    public async Task WaitUntilStoredAsync(Guid sessionId, int turns)
    {
        await using var db = new Npgsql.NpgsqlConnection(await ConnectionStringAsync("heartrule"));
        await db.OpenAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await using var cmd = new Npgsql.NpgsqlCommand("SELECT COUNT(*) FROM turns WHERE session_id = @id", db);
            cmd.Parameters.AddWithValue("id", sessionId);
            var stored = Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
            if (stored > turns) throw new Xunit.Sdk.XunitException($"{stored} turns stored, {turns} expected");
            if (stored == turns) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{turns} turns were not stored.");
            await Task.Delay(100);
        }
    }

    /// <summary>An HTTP client for the API through the gateway, signed in with the given roles.</summary>
    public async Task<HttpClient> ApiClientAsync(string userId, params string[] roles)
    {
        var http = new HttpClient { BaseAddress = GatewayHttp() };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await TokenAsync(userId, 0, roles));
        return http;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        if (Instances is not null) await Instances.DisposeAsync();
        if (App is not null) await App.DisposeAsync();
        await Telemetry.DisposeAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A server may still be letting go of a file; the folder is in the temp directory either way.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<SystemFixture>
{
    public const string Name = "system";
}
