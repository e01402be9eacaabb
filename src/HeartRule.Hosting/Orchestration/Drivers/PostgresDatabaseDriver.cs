using HeartRule.Hosting.ApplicationModel;
using Npgsql;

namespace HeartRule.Hosting.Orchestration.Drivers;

/// <summary>No process: ready once the database exists in its server (created on first need) and accepts queries.</summary>
internal sealed class PostgresDatabaseDriver(PostgresDatabaseResource database, RuntimeContext context) : ResourceDriver(database, context)
{
    private const string DuplicateDatabase = "42P04";
    private const string InvalidCatalogName = "3D000";

    protected override bool LaunchesProcesses => false;

    public override async Task<bool> CheckHealthAsync(ResourceInstance instance, CancellationToken cancellationToken)
    {
        try
        {
            return await PostgresProbe.CanQueryAsync(ConnectionString, cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == InvalidCatalogName)
        {
            await CreateDatabaseAsync(instance, cancellationToken);
            return await PostgresProbe.CanQueryAsync(ConnectionString, cancellationToken);
        }
    }

    private async Task CreateDatabaseAsync(ResourceInstance instance, CancellationToken cancellationToken)
    {
        var settings = PostgresProbe.ProbeSettings(ConnectionString);
        var name = settings.Database ?? database.DatabaseName;
        settings.Database = "postgres";
        await using var connection = new NpgsqlConnection(settings.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
            instance.Log.Write($"created database {name}", false, isSystem: true);
        }
        catch (PostgresException e) when (e.SqlState == DuplicateDatabase)
        {
            // Someone else created it in the meantime: just as good.
        }
    }
}
