using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using HeartRule.AppHost.Infrastructure;
using HeartRule.IntegrationTests;
using Npgsql;

namespace HeartRule.Persistence.Tests.Fixtures;

/// <summary>
/// One real PostgreSQL and one real RabbitMQ for the whole test run, as the AppHost runs them (Aspire's testing
/// builder, random ports, throw-away data folder). Each test class takes a database of its own, so classes never see
/// each other's rows, and the migrations tests start from truly empty databases.
/// </summary>
public sealed class Servers : IAsyncLifetime
{
    public const string Postgres = "postgres";
    public const string Messaging = "messaging";

    private readonly string _data = Directory.CreateTempSubdirectory("heartrule-pt-").FullName;
    private DistributedApplication? _app;
    private AppInstances? _instances;
    private readonly Dictionary<string, Task<(PersistenceHost Host, string Database)>> _hosts = [];

    public DistributedApplication App => _app ?? throw new InvalidOperationException("Not started.");

    /// <summary>amqp://… of the broker.</summary>
    public string MessagingConnectionString { get; private set; } = "";

    private string PostgresConnectionString { get; set; } = "";

    public async Task InitializeAsync()
    {
        // PostgreSQL runs as its own user and must reach its folder inside.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(_data, (UnixFileMode)0b111_101_101);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.HeartRule_AppHost>(
            [$"--{ServerFolders.DataDirectoryKey}={_data}", $"--{ServerFolders.EphemeralKey}=true"]);
        // The AppHost's PostgreSQL and RabbitMQ, without the rest: these tests host Persistence themselves.
        foreach (var resource in builder.Resources.Where(r => r is ProjectResource || r.Name.StartsWith("redis", StringComparison.Ordinal)).ToList())
        {
            builder.Resources.Remove(resource);
        }
        _app = await builder.BuildAsync();
        _instances = new AppInstances(_app);
        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await _app.StartAsync(startup.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync(Postgres, startup.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync(Messaging, startup.Token);
        PostgresConnectionString = (await _app.GetConnectionStringAsync(Postgres))!;
        MessagingConnectionString = (await _app.GetConnectionStringAsync(Messaging))!;
    }

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts.Values)
        {
            if (host.IsCompletedSuccessfully) await host.Result.Host.DisposeAsync();
        }
        if (_instances is not null) await _instances.DisposeAsync();
        if (_app is not null) await _app.DisposeAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A server may still be letting go of a file; the folder is in the temp directory either way.
        }
    }

    /// <summary>
    /// A Persistence host on a database of its own, started on first use and shared by the tests that name it
    /// (hosts take a second or two to start; tests keep apart by using their own user ids and scripts).
    /// </summary>
    public Task<(PersistenceHost Host, string Database)> HostAsync(string name, IReadOnlyDictionary<string, string>? settings = null)
    {
        lock (_hosts)
        {
            if (!_hosts.TryGetValue(name, out var host))
            {
                host = StartHostAsync(name, settings);
                _hosts[name] = host;
            }
            return host;
        }
    }

    private async Task<(PersistenceHost, string)> StartHostAsync(string name, IReadOnlyDictionary<string, string>? settings)
    {
        var database = await CreateDatabaseAsync(name);
        return (await PersistenceHost.StartAsync(database, MessagingConnectionString, settings), database);
    }

    /// <summary>A new, empty database; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 63)].ToLowerInvariant();
        var server = new NpgsqlConnectionStringBuilder(PostgresConnectionString) { Database = "postgres", Pooling = false };
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }
        // Short timeouts: a test that stops the server should see failures quickly, not hang for the defaults.
        return new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = name, Pooling = true, Timeout = 5, CommandTimeout = 15 }.ConnectionString;
    }

    public Task StopPostgresAsync() => _instances!.StopAsync(Postgres, signal: "INT");

    public Task StartPostgresAsync() => _instances!.StartAsync(Postgres);
}

[CollectionDefinition(Name)]
public sealed class ServersCollection : ICollectionFixture<Servers>
{
    // One collection: the classes run one after another, so stopping PostgreSQL in one never breaks another.
    public const string Name = "servers";
}
