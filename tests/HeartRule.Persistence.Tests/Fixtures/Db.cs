using Npgsql;

namespace HeartRule.Persistence.Tests.Fixtures;

/// <summary>Direct reads of the database: what the tests assert against.</summary>
public static class Db
{
    public static async Task<long> CountAsync(string connectionString, string sql, object? id = null)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        if (id is not null) command.Parameters.AddWithValue("id", id);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    public static async Task<T?> ScalarAsync<T>(string connectionString, string sql, object? id = null)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        if (id is not null) command.Parameters.AddWithValue("id", id);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static NpgsqlDataSource DataSource(string connectionString) => NpgsqlDataSource.Create(connectionString);
}
