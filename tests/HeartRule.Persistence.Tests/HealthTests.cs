using HeartRule.Persistence.Tests.Fixtures;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace HeartRule.Persistence.Tests;

/// <summary>The database client as Aspire wires it: with our tuning, and inside /health.</summary>
[Collection(ServersCollection.Name)]
public sealed class HealthTests(Servers servers)
{
    /// <summary>/health (ready) is what the AppHost waits for: it must cover the database and the bus, not only the process.</summary>
    [Fact]
    public async Task Ready_covers_the_database_and_the_bus()
    {
        var (host, _) = await servers.HostAsync("api");

        var report = await host.Get<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Contains(report.Entries.Keys, name => name.Contains("PostgreSql", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(report.Entries.Keys, name => name.Contains("masstransit", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(report.Entries, e => e.Key != "self" && e.Value.Tags.Contains("live"));
    }

    [Fact]
    public async Task Turn_writes_are_auto_prepared()
    {
        var (host, _) = await servers.HostAsync("api");

        var settings = new NpgsqlConnectionStringBuilder(host.Get<NpgsqlDataSource>().ConnectionString);

        Assert.Equal(32, settings.MaxAutoPrepare);
    }
}
