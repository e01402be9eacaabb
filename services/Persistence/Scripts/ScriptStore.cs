using Dapper;
using Npgsql;

namespace HeartRule.Persistence.Scripts;

public sealed class ScriptStore(NpgsqlDataSource dataSource)
{
    private const string VersionColumns = """
        v.script_id AS ScriptId, s.kind AS Kind, s.name AS Name, v.version AS Version, v.yaml AS Yaml,
        v.author AS Author, v.notes AS Notes, v.created_at AS CreatedAt
        """;

    public async Task<IReadOnlyList<ScriptSummary>> ListAsync(string? kind, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<ScriptSummary>(new CommandDefinition("""
            SELECT id AS Id, kind AS Kind, name AS Name, latest_version AS LatestVersion, created_at AS CreatedAt, updated_at AS UpdatedAt
            FROM scripts WHERE deleted_at IS NULL AND (@kind::text IS NULL OR kind = @kind) ORDER BY id
            """, new { kind }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>A version, or the latest one when <paramref name="version"/> is null. Deleted scripts are not found.</summary>
    public async Task<ScriptVersionRecord?> GetAsync(string id, int? version, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<ScriptVersionRecord>(new CommandDefinition($"""
            SELECT {VersionColumns}
            FROM script_versions v JOIN scripts s ON s.id = v.script_id
            WHERE s.id = @id AND s.deleted_at IS NULL AND v.version = COALESCE(@version, s.latest_version)
            """, new { id, version }, cancellationToken: ct));
    }

    /// <summary>Technique scripts at their latest versions: the skills that use_skill may call.</summary>
    public async Task<IReadOnlyList<ScriptVersionRecord>> GetLatestTechniquesAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<ScriptVersionRecord>(new CommandDefinition($"""
            SELECT {VersionColumns}
            FROM script_versions v JOIN scripts s ON s.id = v.script_id AND v.version = s.latest_version
            WHERE s.kind = 'technique' AND s.deleted_at IS NULL ORDER BY s.id
            """, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>Stores a new immutable version (1 for a new script) and returns its number.</summary>
    public async Task<int> AddVersionAsync(string id, string kind, string? name, string yaml, string? parsedJson, string? author, string? notes, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // The row lock serialises concurrent uploads of one script, so version numbers never collide.
        var version = await connection.ExecuteScalarAsync<int>(new CommandDefinition("""
            INSERT INTO scripts AS s (id, kind, name, latest_version) VALUES (@id, @kind, @name, 1)
            ON CONFLICT (id) DO UPDATE SET
                latest_version = s.latest_version + 1,
                kind = EXCLUDED.kind, name = EXCLUDED.name, updated_at = now(), deleted_at = NULL
            RETURNING latest_version
            """, new { id, kind, name }, tx, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO script_versions (script_id, version, yaml, parsed, author, notes)
            VALUES (@id, @version, @yaml, @parsed::jsonb, @author, @notes)
            """, new { id, version, yaml, parsed = parsedJson, author, notes }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return version;
    }

    public async Task<bool> ExistsAsync(string id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT EXISTS (SELECT 1 FROM scripts WHERE id = @id)", new { id }, cancellationToken: ct));
    }
}
