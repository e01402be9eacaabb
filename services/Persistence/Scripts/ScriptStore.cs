using Dapper;
using Npgsql;

namespace HeartRule.Persistence.Scripts;

public sealed class ScriptStore(NpgsqlDataSource dataSource)
{
    private const string VersionColumns = """
        v.script_id AS ScriptId, s.kind AS Kind, s.name AS Name, v.version AS Version, s.latest_version AS LatestVersion,
        v.yaml AS Yaml, v.parsed::text AS Parsed, v.author AS Author, v.notes AS Notes, v.created_at AS CreatedAt,
        s.deleted_at IS NOT NULL AS Deleted
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

    /// <summary>
    /// A version, or the latest one when <paramref name="version"/> is null. A deleted script is not found unless
    /// <paramref name="includeDeleted"/> (sessions that run one of its versions must still load it).
    /// </summary>
    public async Task<ScriptVersionRecord?> GetAsync(string id, int? version, bool includeDeleted, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<ScriptVersionRecord>(new CommandDefinition($"""
            SELECT {VersionColumns}
            FROM script_versions v JOIN scripts s ON s.id = v.script_id
            WHERE s.id = @id AND (@includeDeleted OR s.deleted_at IS NULL) AND v.version = COALESCE(@version, s.latest_version)
            """, new { id, version, includeDeleted }, cancellationToken: ct));
    }

    /// <summary>The versions of a live script, newest first; null when there is no such script.</summary>
    public async Task<IReadOnlyList<ScriptVersionSummary>?> ListVersionsAsync(string id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (!await LiveAsync(connection, id, ct)) return null;
        var rows = await connection.QueryAsync<ScriptVersionSummary>(new CommandDefinition("""
            SELECT version AS Version, author AS Author, notes AS Notes, created_at AS CreatedAt
            FROM script_versions WHERE script_id = @id ORDER BY version DESC
            """, new { id }, cancellationToken: ct));
        return rows.AsList();
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

    /// <summary>
    /// Stores a new immutable version (1 for a new script). A deleted script comes back with the next number;
    /// a script keeps its kind, since sessions and use_skill references rely on it.
    /// </summary>
    public async Task<AddVersionResult> AddVersionAsync(
        string id, string kind, string? name, string yaml, string? parsedJson, string? author, string? notes, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // The row lock taken by the upsert serialises concurrent uploads of one script, so version numbers never collide.
        var row = await connection.QuerySingleOrDefaultAsync<Upserted>(new CommandDefinition("""
            INSERT INTO scripts AS s (id, kind, name, latest_version) VALUES (@id, @kind, @name, 1)
            ON CONFLICT (id) DO UPDATE SET
                latest_version = s.latest_version + 1, name = EXCLUDED.name, updated_at = now(), deleted_at = NULL
            WHERE s.kind = EXCLUDED.kind
            RETURNING latest_version AS LatestVersion, (xmax = 0) AS Created
            """, new { id, kind, name }, tx, cancellationToken: ct));
        if (row is not { } stored)
        {
            var storedKind = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
                "SELECT kind FROM scripts WHERE id = @id", new { id }, tx, cancellationToken: ct));
            return new AddVersionResult(AddVersionOutcome.KindMismatch, 0, false, storedKind);
        }
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO script_versions (script_id, version, yaml, parsed, author, notes)
            VALUES (@id, @version, @yaml, @parsed::jsonb, @author, @notes)
            """, new { id, version = stored.LatestVersion, yaml, parsed = parsedJson, author, notes }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return new AddVersionResult(AddVersionOutcome.Stored, stored.LatestVersion, stored.Created, kind);
    }

    /// <summary>Soft delete: the versions stay for the sessions that ran them. False when there is no live script.</summary>
    public async Task<bool> DeleteAsync(string id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE scripts SET deleted_at = now(), updated_at = now() WHERE id = @id AND deleted_at IS NULL",
            new { id }, cancellationToken: ct)) == 1;
    }

    /// <summary>Whether the id was ever used, deleted or not (the sample seeder never brings back a deleted sample).</summary>
    public async Task<bool> ExistsAsync(string id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT EXISTS (SELECT 1 FROM scripts WHERE id = @id)", new { id }, cancellationToken: ct));
    }

    public async Task<bool> IsLiveAsync(string id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await LiveAsync(connection, id, ct);
    }

    // xmax = 0 on a row the upsert inserted (rather than updated): tells a new script from a new version.
    private sealed record Upserted(int LatestVersion, bool Created);

    private static Task<bool> LiveAsync(NpgsqlConnection connection, string id, CancellationToken ct) =>
        connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM scripts WHERE id = @id AND deleted_at IS NULL)", new { id }, cancellationToken: ct));
}
