using Npgsql;

namespace HeartRule.Hosting.Orchestration.Drivers;

/// <summary>A real query over a fresh connection (no pool: a probe must not keep connections open).</summary>
internal static class PostgresProbe
{
    public static NpgsqlConnectionStringBuilder ProbeSettings(string connectionString) => new(connectionString)
    {
        Pooling = false,
        Timeout = 3,
        CommandTimeout = 3,
    };

    public static async Task<bool> CanQueryAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ProbeSettings(connectionString).ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        return Equals(await command.ExecuteScalarAsync(cancellationToken), 1);
    }
}
