using Dapper;
using HeartRule.Infrastructure;
using HeartRule.Persistence.Audit;
using Npgsql;

namespace HeartRule.Persistence.Scripts;

public sealed class ScriptStore(NpgsqlDataSource dataSource)
{
    private const string VersionColumns = """
        v.script_id AS ScriptId, s.kind AS Kind, s.name AS Name, v.version AS Version, s.latest_version AS LatestVersion,
        v.yaml AS Yaml, v.parsed::text AS Parsed, v.author AS Author, v.notes AS Notes, v.created_at AS CreatedAt,
        s.deleted_at IS NOT NULL AS Deleted, v.published_at IS NOT NULL AS Published
        """;

    /// <summary>The live scripts, each with whether <paramref name="caller"/> may change it.</summary>
    public async Task<IReadOnlyList<ScriptSummary>> ListAsync(string? kind, Caller caller, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<SummaryRow>(new CommandDefinition("""
            SELECT id AS Id, kind AS Kind, name AS Name, latest_version AS LatestVersion,
                current_version AS PublishedVersion,
                owner_id AS OwnerId, created_at AS CreatedAt, updated_at AS UpdatedAt,
                COALESCE(owner_id = @userId, false) OR EXISTS (SELECT 1 FROM script_shares sh WHERE sh.script_id = s.id AND sh.user_id = @userId) AS Owns
            FROM scripts s WHERE deleted_at IS NULL AND (@kind::text IS NULL OR kind = @kind) ORDER BY id
            """, new { kind, userId = caller.UserId }, cancellationToken: ct));
        return [.. rows.Select(r => new ScriptSummary(r.Id, r.Kind, r.Name, r.LatestVersion, r.PublishedVersion, r.OwnerId, r.CreatedAt, r.UpdatedAt,
            ScriptPermissions.MayManage(caller, r.Owns)))];
    }

    private sealed record SummaryRow(string Id, string Kind, string? Name, int LatestVersion, int? PublishedVersion, string? OwnerId,
        DateTime CreatedAt, DateTime UpdatedAt, bool Owns);

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

    /// <summary>A version of a live script (the latest when <paramref name="version"/> is null) with what validation found in it.</summary>
    public async Task<ScriptVersionDetail?> GetDetailAsync(string id, int? version, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<ScriptVersionDetail>(new CommandDefinition("""
            SELECT v.script_id AS ScriptId, s.kind AS Kind, s.name AS Name, v.version AS Version, s.latest_version AS LatestVersion,
                v.yaml AS Yaml, v.parsed::text AS Parsed, v.author AS Author, v.notes AS Notes, v.created_at AS CreatedAt,
                v.published_at IS NOT NULL AS Published, COALESCE(v.version = s.current_version, false) AS Current,
                v.error_count AS ErrorCount, v.warning_count AS WarningCount, v.findings::text AS Findings
            FROM script_versions v JOIN scripts s ON s.id = v.script_id
            WHERE s.id = @id AND s.deleted_at IS NULL AND v.version = COALESCE(@version, s.latest_version)
            """, new { id, version }, cancellationToken: ct));
    }

    /// <summary>The versions of a live script, newest first; null when there is no such script.</summary>
    public async Task<IReadOnlyList<ScriptVersionSummary>?> ListVersionsAsync(string id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (!await LiveAsync(connection, id, ct)) return null;
        var rows = await connection.QueryAsync<ScriptVersionSummary>(new CommandDefinition("""
            SELECT v.version AS Version, v.author AS Author, v.notes AS Notes, v.created_at AS CreatedAt, v.published_at IS NOT NULL AS Published,
                COALESCE(v.version = s.current_version, false) AS Current, v.error_count AS ErrorCount, v.warning_count AS WarningCount
            FROM script_versions v JOIN scripts s ON s.id = v.script_id WHERE v.script_id = @id ORDER BY v.version DESC
            """, new { id }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>
    /// Technique scripts at their current published versions: the skills that use_skill calls in every session, and
    /// that uploads are validated against. An author's draft of a technique reaches nobody's session until it is
    /// published (a draft may have errors, or be half-written).
    /// </summary>
    public async Task<IReadOnlyList<ScriptVersionRecord>> GetCurrentTechniquesAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<ScriptVersionRecord>(new CommandDefinition($"""
            SELECT {VersionColumns}
            FROM script_versions v JOIN scripts s ON s.id = v.script_id AND v.version = s.current_version
            WHERE s.kind = 'technique' AND s.deleted_at IS NULL ORDER BY s.id
            """, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>
    /// Stores a new immutable version (1 for a new script, owned by <paramref name="caller"/>). A deleted script comes
    /// back with the next number; a script keeps its kind, since sessions and use_skill references rely on it. An
    /// existing script takes a version only from its owners or an admin (checked under the row's lock, so a script
    /// created at the same moment by someone else is not silently extended). A null caller is the service itself
    /// (the sample seeder): no owner, and the version is published at once and made current. A draft with errors is
    /// stored with them (<paramref name="findings"/>); its <paramref name="name"/> is null then, and the script keeps its name.
    /// </summary>
    public async Task<AddVersionResult> AddVersionAsync(
        string id, string kind, string? name, string yaml, string? parsedJson, ScriptFindings findings, Caller? caller, string? notes, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var created = await connection.ExecuteScalarAsync<bool>(new CommandDefinition("""
            INSERT INTO scripts (id, kind, name, latest_version, owner_id) VALUES (@id, @kind, @name, 0, @owner)
            ON CONFLICT (id) DO NOTHING RETURNING true
            """, new { id, kind, name, owner = caller?.UserId }, tx, cancellationToken: ct));
        // The row lock serialises concurrent uploads of one script, so version numbers never collide.
        var owners = await LockOwnersAsync(connection, tx, id, ct);
        if (!created)
        {
            if (owners!.Kind != kind) return new AddVersionResult(AddVersionOutcome.KindMismatch, 0, false, owners.Kind);
            if (caller is not null && !ScriptPermissions.MayManage(caller, owners)) return new AddVersionResult(AddVersionOutcome.Forbidden, 0, false, owners.Kind);
        }
        var version = await connection.ExecuteScalarAsync<int>(new CommandDefinition("""
            UPDATE scripts SET latest_version = latest_version + 1, name = COALESCE(@name, name), updated_at = now(), deleted_at = NULL
            WHERE id = @id RETURNING latest_version
            """, new { id, name }, tx, cancellationToken: ct));
        var publish = caller is null;
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO script_versions (script_id, version, yaml, parsed, author, notes, published_at, published_by, error_count, warning_count, findings)
            VALUES (@id, @version, @yaml, @parsed::jsonb, @author, @notes, CASE WHEN @publish THEN now() END, CASE WHEN @publish THEN 'heartrule' END,
                    @errors, @warnings, @findings::jsonb)
            """, new
        {
            id, version, yaml, parsed = parsedJson, author = caller?.UserId ?? "heartrule", notes, publish,
            errors = findings.ErrorCount, warnings = findings.WarningCount, findings = findings.ToJson(),
        }, tx, cancellationToken: ct));
        if (publish) await MakeCurrentAsync(connection, tx, id, version, ct);
        if (caller is not null)
        {
            await AuditLog.AppendAsync(connection, tx, new AuditEntry(caller, created ? AuditLog.Actions.ScriptCreate : AuditLog.Actions.ScriptVersion,
                "script", id, new { version, kind }), ct);
        }
        await tx.CommitAsync(ct);
        return new AddVersionResult(AddVersionOutcome.Stored, version, created, kind);
    }

    /// <summary>The owner and shares of a script (deleted or not), or null when the id was never used.</summary>
    public async Task<ScriptOwners?> GetOwnersAsync(string id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await ReadOwnersAsync(connection, null, id, forUpdate: false, ct);
    }

    /// <summary>
    /// Publishes a draft of a live script and makes it current: sessions that name no version start it from now on.
    /// <paramref name="findings"/> are what validation finds in it now (the techniques it calls may have changed since
    /// it was saved); they are stored with the version, and a version with errors, or with warnings not accepted, is
    /// refused. Publishing a published version changes nothing (a rollback moves the current version).
    /// </summary>
    public async Task<ScriptChangeOutcome> PublishAsync(string id, int version, ScriptFindings findings, bool acceptWarnings, Caller caller, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var (refusal, published) = await LockVersionAsync(connection, tx, id, version, caller, ct);
        if (refusal is { } refused) return refused;
        if (published) return ScriptChangeOutcome.Done;
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE script_versions SET error_count = @errors, warning_count = @warnings, findings = @findings::jsonb
            WHERE script_id = @id AND version = @version
            """, new { id, version, errors = findings.ErrorCount, warnings = findings.WarningCount, findings = findings.ToJson() }, tx, cancellationToken: ct));
        var outcome = findings.ErrorCount > 0 ? ScriptChangeOutcome.HasErrors
            : findings.WarningCount > 0 && !acceptWarnings ? ScriptChangeOutcome.HasWarnings
            : ScriptChangeOutcome.Done;
        if (outcome == ScriptChangeOutcome.Done)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE script_versions SET published_at = now(), published_by = @by WHERE script_id = @id AND version = @version",
                new { id, version, by = caller.UserId }, tx, cancellationToken: ct));
            var previous = await MakeCurrentAsync(connection, tx, id, version, ct);
            await AuditLog.AppendAsync(connection, tx, new AuditEntry(caller, AuditLog.Actions.ScriptPublish, "script", id,
                new { version, previous, acceptedWarnings = findings.WarningCount }), ct);
        }
        // A refusal keeps the findings it was refused for: the version's view shows them.
        await tx.CommitAsync(ct);
        return outcome;
    }

    /// <summary>
    /// Makes a published version of a live script current again (usually an earlier one, after a bad publish; naming
    /// a later one undoes a rollback). Sessions already running keep their version; new ones start this one.
    /// </summary>
    public async Task<ScriptChangeOutcome> RollbackAsync(string id, int version, Caller caller, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var (refusal, published) = await LockVersionAsync(connection, tx, id, version, caller, ct);
        if (refusal is { } refused) return refused;
        if (!published) return ScriptChangeOutcome.NotPublished;
        var previous = await MakeCurrentAsync(connection, tx, id, version, ct);
        if (previous != version)
        {
            await AuditLog.AppendAsync(connection, tx, new AuditEntry(caller, AuditLog.Actions.ScriptRollback, "script", id, new { version, previous }), ct);
        }
        await tx.CommitAsync(ct);
        return ScriptChangeOutcome.Done;
    }

    /// <summary>
    /// Locks a live script for a change to one of its versions: why <paramref name="caller"/> may not (no such script
    /// or version, not an owner), or else whether the version is published.
    /// </summary>
    private static async Task<(ScriptChangeOutcome? Refusal, bool Published)> LockVersionAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, string id, int version, Caller caller, CancellationToken ct)
    {
        if (await LockOwnersAsync(connection, tx, id, ct) is not { Deleted: false } owners) return (ScriptChangeOutcome.NotFound, false);
        if (!ScriptPermissions.MayManage(caller, owners)) return (ScriptChangeOutcome.Forbidden, false);
        var published = await connection.ExecuteScalarAsync<bool?>(new CommandDefinition(
            "SELECT published_at IS NOT NULL FROM script_versions WHERE script_id = @id AND version = @version",
            new { id, version }, tx, cancellationToken: ct));
        return published is { } isPublished ? (null, isPublished) : (ScriptChangeOutcome.NotFound, false);
    }

    /// <summary>Points the script at <paramref name="version"/>; answers the version that was current before.</summary>
    private static Task<int?> MakeCurrentAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string id, int version, CancellationToken ct) =>
        connection.ExecuteScalarAsync<int?>(new CommandDefinition("""
            UPDATE scripts s SET current_version = @version, updated_at = now()
            FROM (SELECT current_version FROM scripts WHERE id = @id) prior
            WHERE s.id = @id RETURNING prior.current_version
            """, new { id, version }, tx, cancellationToken: ct));

    /// <summary>Shares (or with <paramref name="share"/> false, unshares) a live script with another author.</summary>
    public async Task<ScriptChangeOutcome> ShareAsync(string id, string userId, bool share, Caller caller, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (await LockOwnersAsync(connection, tx, id, ct) is not { Deleted: false } owners) return ScriptChangeOutcome.NotFound;
        if (!ScriptPermissions.MayManage(caller, owners)) return ScriptChangeOutcome.Forbidden;
        var changed = await connection.ExecuteAsync(new CommandDefinition(share
            ? "INSERT INTO script_shares (script_id, user_id, shared_by) VALUES (@id, @userId, @by) ON CONFLICT DO NOTHING"
            : "DELETE FROM script_shares WHERE script_id = @id AND user_id = @userId",
            new { id, userId, by = caller.UserId }, tx, cancellationToken: ct));
        if (changed > 0)
        {
            await AuditLog.AppendAsync(connection, tx, new AuditEntry(caller, share ? AuditLog.Actions.ScriptShare : AuditLog.Actions.ScriptUnshare,
                "script", id, new { userId }), ct);
        }
        await tx.CommitAsync(ct);
        return ScriptChangeOutcome.Done;
    }

    /// <summary>Soft delete: the versions stay for the sessions that ran them.</summary>
    public async Task<ScriptChangeOutcome> DeleteAsync(string id, Caller caller, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (await LockOwnersAsync(connection, tx, id, ct) is not { Deleted: false } owners) return ScriptChangeOutcome.NotFound;
        if (!ScriptPermissions.MayManage(caller, owners)) return ScriptChangeOutcome.Forbidden;
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE scripts SET deleted_at = now(), updated_at = now() WHERE id = @id", new { id }, tx, cancellationToken: ct));
        await AuditLog.AppendAsync(connection, tx, new AuditEntry(caller, AuditLog.Actions.ScriptDelete, "script", id), ct);
        await tx.CommitAsync(ct);
        return ScriptChangeOutcome.Done;
    }

    /// <summary>
    /// The version a new session of <paramref name="caller"/> may run: with no version named, the current one; a named
    /// one if it is published, or if the caller owns the script or is an admin (trying a draft, in a debug session) and
    /// it has no errors. Deleted scripts start nothing.
    /// </summary>
    public async Task<ScriptVersionRecord?> GetStartableAsync(string id, int? version, Caller caller, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var owners = await ReadOwnersAsync(connection, null, id, forUpdate: false, ct);
        if (owners is not { Deleted: false }) return null;
        var drafts = ScriptPermissions.MayManage(caller, owners);
        return await connection.QuerySingleOrDefaultAsync<ScriptVersionRecord>(new CommandDefinition($"""
            SELECT {VersionColumns}
            FROM script_versions v JOIN scripts s ON s.id = v.script_id
            WHERE s.id = @id AND CASE WHEN @version::int IS NULL THEN v.version = s.current_version
                ELSE v.version = @version AND (v.published_at IS NOT NULL OR (@drafts AND v.error_count = 0)) END
            """, new { id, version, drafts }, cancellationToken: ct));
    }

    private static Task<ScriptOwners?> LockOwnersAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string id, CancellationToken ct) =>
        ReadOwnersAsync(connection, tx, id, forUpdate: true, ct);

    private static async Task<ScriptOwners?> ReadOwnersAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string id, bool forUpdate, CancellationToken ct)
    {
        var row = await connection.QuerySingleOrDefaultAsync<OwnerRow>(new CommandDefinition(
            $"SELECT kind AS Kind, owner_id AS OwnerId, deleted_at IS NOT NULL AS Deleted FROM scripts WHERE id = @id{(forUpdate ? " FOR UPDATE" : "")}",
            new { id }, tx, cancellationToken: ct));
        if (row is null) return null;
        var shares = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT user_id FROM script_shares WHERE script_id = @id ORDER BY user_id", new { id }, tx, cancellationToken: ct));
        return new ScriptOwners(id, row.Kind, row.OwnerId, shares.AsList(), row.Deleted);
    }

    private sealed record OwnerRow(string Kind, string? OwnerId, bool Deleted);

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

    private static Task<bool> LiveAsync(NpgsqlConnection connection, string id, CancellationToken ct) =>
        connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM scripts WHERE id = @id AND deleted_at IS NULL)", new { id }, cancellationToken: ct));
}
