using System.Text.Json;
using Dapper;
using HeartRule.Infrastructure;
using HeartRule.Persistence.Sessions;
using Npgsql;

namespace HeartRule.Persistence.Audit;

/// <summary>What happened, by whom, to what: one row of the append-only audit log.</summary>
/// <param name="Details">Ids and names only (a version number, a shared user id, a count): never conversation content.</param>
public sealed record AuditEntry(Caller Actor, string Action, string ObjectType, string ObjectId, object? Details = null);

/// <summary>An audit row as the API reads it.</summary>
public sealed record AuditEntryView(long Id, DateTime At, string Actor, IReadOnlyList<string> ActorRoles, string Action, string ObjectType, string ObjectId, JsonElement? Details);

/// <summary>Filters of the audit log's read: each optional, combined with AND.</summary>
public sealed record AuditQuery(string? Actor, string? ObjectType, string? ObjectId, string? Action, DateTimeOffset? From, DateTimeOffset? To, int Page, int PageSize);

/// <summary>
/// The audit log (table <c>audit_log</c>, append-only by trigger). Entries about a change are written in the change's
/// own transaction, so there is never a change without its entry, nor an entry for a change that rolled back.
/// </summary>
public sealed class AuditLog(NpgsqlDataSource dataSource)
{
    public static class Actions
    {
        public const string SessionCreate = "session.create";
        public const string ScriptCreate = "script.create";
        public const string ScriptVersion = "script.version";
        public const string ScriptPublish = "script.publish";
        public const string ScriptRollback = "script.rollback";
        public const string ScriptShare = "script.share";
        public const string ScriptUnshare = "script.unshare";
        public const string ScriptDelete = "script.delete";
        public const string SessionDelete = "session.delete";
        public const string SessionObserve = "session.observe";
        public const string SessionReview = "session.review";
        public const string SessionErase = "session.erase";
        public const string UserErase = "user.erase";
        public const string AuditRead = "audit.read";
        public const string FlagResolve = "flag.resolve";
        public const string SessionTakeOver = "session.take_over";
        public const string SessionHandBack = "session.hand_back";
    }

    public static readonly IReadOnlyList<string> ObjectTypes = ["script", "session", "user", "audit"];

    public static Task AppendAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, AuditEntry entry, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO audit_log (actor, actor_roles, action, object_type, object_id, details)
            VALUES (@actor, @roles, @action, @objectType, @objectId, @details::jsonb)
            """, new
        {
            actor = entry.Actor.UserId,
            roles = entry.Actor.Roles.Order(StringComparer.Ordinal).ToArray(),
            action = entry.Action,
            objectType = entry.ObjectType,
            objectId = entry.ObjectId,
            details = entry.Details is null ? null : JsonSerializer.Serialize(entry.Details, JsonSerializerOptions.Web),
        }, tx, cancellationToken: ct));

    public async Task AppendAsync(AuditEntry entry, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await AppendAsync(connection, null, entry, ct);
    }

    /// <summary>Newest first.</summary>
    public async Task<Paged<AuditEntryView>> QueryAsync(AuditQuery query, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        const string Where = """
            WHERE (@actor::text IS NULL OR actor = @actor)
              AND (@objectType::text IS NULL OR object_type = @objectType)
              AND (@objectId::text IS NULL OR object_id = @objectId)
              AND (@action::text IS NULL OR action = @action)
              AND (@from::timestamptz IS NULL OR at >= @from)
              AND (@to::timestamptz IS NULL OR at < @to)
            """;
        var parameters = new
        {
            actor = query.Actor, objectType = query.ObjectType, objectId = query.ObjectId, action = query.Action,
            from = query.From, to = query.To, limit = query.PageSize, offset = (query.Page - 1) * query.PageSize,
        };
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) FROM audit_log {Where}", parameters, cancellationToken: ct));
        var rows = await connection.QueryAsync<Row>(new CommandDefinition($"""
            SELECT id AS Id, at AS At, actor AS Actor, array_to_string(actor_roles, ',') AS ActorRoles, action AS Action, object_type AS ObjectType,
                   object_id AS ObjectId, details::text AS Details
            FROM audit_log {Where} ORDER BY at DESC, id DESC LIMIT @limit OFFSET @offset
            """, parameters, cancellationToken: ct));
        return new Paged<AuditEntryView>(
            [.. rows.Select(r => new AuditEntryView(r.Id, r.At, r.Actor, r.ActorRoles.Split(',', StringSplitOptions.RemoveEmptyEntries), r.Action, r.ObjectType, r.ObjectId,
                r.Details is null ? null : JsonDocument.Parse(r.Details).RootElement.Clone()))],
            query.Page, query.PageSize, total);
    }

    private sealed record Row(long Id, DateTime At, string Actor, string ActorRoles, string Action, string ObjectType, string ObjectId, string? Details);
}
