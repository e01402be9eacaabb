using System.Text;
using System.Text.Json;
using Dapper;
using HeartRule.Contracts;
using HeartRule.Infrastructure;
using HeartRule.Persistence.Audit;
using Npgsql;

namespace HeartRule.Persistence.Sessions;

public sealed class SessionStore(NpgsqlDataSource dataSource)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // The reads of a session's record, shared by the paged routes and the export.
    internal const string MessageSelect = """
        SELECT id AS Id, seq AS Seq, role AS Role, content AS Content, action_id AS ActionId, metadata::text AS Metadata, created_at AS Timestamp
        FROM messages
        """;
    internal const string ChangeSelect = """
        SELECT turn AS Turn, name AS Name, scope AS Scope, old_value::text AS OldValue, new_value::text AS NewValue,
               source_action AS SourceActionId, changed_at AS ChangedAt
        FROM variable_changes
        """;
    internal const string TurnSelect = """
        SELECT turn AS Turn, seq AS Seq, client_message_id AS ClientMessageId, execution_status AS ExecutionStatus, position::text AS Position,
               changed_variables::text AS ChangedVariables, error::text AS Error, completed_at AS CompletedAt,
               CASE WHEN @includeDebug THEN debug::text END AS Debug
        FROM turns
        """;

    public async Task<SessionSnapshot?> GetSnapshotAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<SnapshotRow>(new CommandDefinition("""
            SELECT s.id AS SessionId, s.user_id AS UserId, s.script_id AS ScriptId, s.script_version AS ScriptVersion,
                   s.status AS Status, s.execution_status AS ExecutionStatus, s.state::text AS StateJson, s.version AS Version,
                   s.last_seq AS LastSeq, (SELECT COALESCE(MAX(turn), 0) FROM turns t WHERE t.session_id = s.id) AS Turn, s.locale AS Locale,
                   s.position::text AS PositionJson, s.variables::text AS VariablesJson
            FROM sessions s WHERE s.id = @id
            """, new { id }, cancellationToken: ct));
        if (row is null) return null;
        var snapshot = new SessionSnapshot(row.SessionId, row.UserId, row.ScriptId, row.ScriptVersion, row.Status, row.ExecutionStatus,
            row.StateJson, row.Version, row.LastSeq, row.Turn, row.Locale)
        {
            Position = JsonSerializer.Deserialize<SessionPosition>(row.PositionJson, Json),
            Variables = JsonSerializer.Deserialize<Dictionary<string, IReadOnlyDictionary<string, JsonElement>>>(row.VariablesJson, Json),
        };
        var inputs = await connection.QueryAsync<string>(new CommandDefinition("""
            SELECT client_message_id FROM turns WHERE session_id = @id AND client_message_id IS NOT NULL ORDER BY turn DESC LIMIT @kept
            """, new { id, kept = SessionSnapshot.RecentInputsKept }, cancellationToken: ct));
        return snapshot with { RecentInputs = [.. inputs] };
    }

    /// <summary>Messages and turn summaries after a sequence number, in order: the transcript a resuming client missed.</summary>
    public async Task<IReadOnlyList<StoredEvent>> GetEventsAsync(Guid id, long afterSeq, int limit, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<EventRow>(new CommandDefinition("""
            SELECT * FROM (
                SELECT seq AS Seq, 'message' AS Kind, id AS MessageId, role AS Role, content AS Content, action_id AS ActionId,
                       metadata::text AS Metadata, created_at AS Timestamp, NULL AS ExecutionStatus, NULL AS Position,
                       NULL AS ChangedVariables, NULL AS Error, NULL AS Debug
                FROM messages WHERE session_id = @id AND seq > @afterSeq
                UNION ALL
                SELECT seq, 'turn', NULL, NULL, NULL, NULL, NULL, completed_at, execution_status, position::text,
                       changed_variables::text, error::text, debug::text
                FROM turns WHERE session_id = @id AND seq > @afterSeq
            ) e ORDER BY Seq LIMIT @limit
            """, new { id, afterSeq, limit }, cancellationToken: ct));
        return rows.Select(r => new StoredEvent(r.Seq, r.Kind, r.MessageId, r.Role, r.Content, r.ActionId, Parse(r.Metadata),
            new DateTimeOffset(r.Timestamp), r.ExecutionStatus, Parse(r.Position), Parse(r.ChangedVariables), Parse(r.Error), Parse(r.Debug))).ToList();
    }

    public async Task<SessionOwner?> GetOwnerAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<SessionOwner>(new CommandDefinition(
            "SELECT user_id AS UserId, status AS Status, script_id AS ScriptId FROM sessions WHERE id = @id", new { id }, cancellationToken: ct));
    }

    /// <summary>
    /// A user's sessions, or with <paramref name="onTheirScripts"/> everyone's sessions on the scripts the user created
    /// or was given, newest first; deleted ones are never listed.
    /// </summary>
    public async Task<Paged<SessionSummary>> ListAsync(
        string userId, bool onTheirScripts, string? status, string? scriptId, int page, int pageSize, CancellationToken ct)
    {
        // Only the filters asked for go into the SQL, so each shape of the query gets the plan of its own index.
        var where = new StringBuilder(onTheirScripts
            ? "s.script_id IN (SELECT id FROM scripts WHERE owner_id = @userId UNION SELECT script_id FROM script_shares WHERE user_id = @userId)"
            : "s.user_id = @userId");
        where.Append(" AND s.status <> 'deleted'");
        if (status is not null) where.Append(" AND s.status = @status");
        if (scriptId is not null) where.Append(" AND s.script_id = @scriptId");
        var args = new { userId, status, scriptId, limit = pageSize, offset = (long)(page - 1) * pageSize };

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        using var results = await connection.QueryMultipleAsync(new CommandDefinition($"""
            SELECT s.id AS Id, s.user_id AS UserId, s.script_id AS ScriptId, s.script_version AS ScriptVersion, sc.name AS ScriptName, s.status AS Status,
                   s.execution_status AS ExecutionStatus, s.position::text AS Position, s.last_seq AS LastSeq,
                   s.created_at AS CreatedAt, s.updated_at AS UpdatedAt, s.completed_at AS CompletedAt, s.locale AS Locale
            FROM sessions s LEFT JOIN scripts sc ON sc.id = s.script_id
            WHERE {where} ORDER BY s.created_at DESC, s.id DESC LIMIT @limit OFFSET @offset;
            SELECT COUNT(*) FROM sessions s WHERE {where};
            """, args, cancellationToken: ct));
        var rows = (await results.ReadAsync<SummaryRow>()).Select(r => new SessionSummary(
            r.Id, r.UserId, r.ScriptId, r.ScriptVersion, r.ScriptName, r.Status, r.ExecutionStatus, Parse(r.Position)!.Value, r.LastSeq,
            r.CreatedAt, r.UpdatedAt, r.CompletedAt, r.Locale)).ToList();
        var total = await results.ReadSingleAsync<long>();
        return new Paged<SessionSummary>(rows, page, pageSize, total);
    }

    /// <param name="locale">The reader's language, for the last error's title and suggestion (its message is the session's).</param>
    public async Task<SessionDetail?> GetDetailAsync(Guid id, bool includeEngineState, string locale, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await ReadDetailAsync(connection, null, id, includeEngineState, locale, ct);
    }

    internal static async Task<SessionDetail?> ReadDetailAsync(
        NpgsqlConnection connection, NpgsqlTransaction? tx, Guid id, bool includeEngineState, string locale, CancellationToken ct)
    {
        var r = await connection.QuerySingleOrDefaultAsync<DetailRow>(new CommandDefinition("""
            SELECT s.id AS Id, s.user_id AS UserId, s.script_id AS ScriptId, s.script_version AS ScriptVersion, sc.name AS ScriptName,
                   s.status AS Status, s.execution_status AS ExecutionStatus, s.position::text AS Position, s.variables::text AS Variables,
                   s.version AS Version, s.last_seq AS LastSeq, s.created_at AS CreatedAt, s.updated_at AS UpdatedAt,
                   s.completed_at AS CompletedAt, CASE WHEN @includeEngineState THEN s.state::text END AS EngineState,
                   t.turn AS Turn, t.error::text AS LastError, t.position::text AS LastErrorPosition, t.completed_at AS LastTurnAt,
                   s.locale AS Locale,
                   (SELECT f.risk_level FROM session_flags f WHERE f.session_id = s.id AND f.resolved_at IS NULL
                    ORDER BY f.severity DESC LIMIT 1) AS RiskLevel,
                   COALESCE((t.safety->>'suspended')::boolean, false) AS Suspended
            FROM sessions s
            LEFT JOIN scripts sc ON sc.id = s.script_id
            LEFT JOIN LATERAL (SELECT turn, error, position, completed_at, safety FROM turns WHERE session_id = s.id ORDER BY turn DESC LIMIT 1) t ON true
            WHERE s.id = @id
            """, new { id, includeEngineState }, tx, cancellationToken: ct));
        if (r is null) return null;
        HeartRuleProblem? lastError = null;
        if (r.LastError is not null && JsonSerializer.Deserialize<ErrorInfo>(r.LastError, Json) is { } error)
        {
            lastError = Problems.FromErrorInfo(error, r.ScriptId, r.Id, Parse(r.LastErrorPosition), r.LastTurnAt ?? r.UpdatedAt, locale);
        }
        return new SessionDetail(r.Id, r.UserId, r.ScriptId, r.ScriptVersion, r.ScriptName, r.Status, r.ExecutionStatus,
            Parse(r.Position)!.Value, Parse(r.Variables)!.Value, r.Version, r.LastSeq, r.Turn ?? 0, r.CreatedAt, r.UpdatedAt, r.CompletedAt,
            lastError, Parse(r.EngineState), r.Locale, r.RiskLevel, r.Suspended);
    }

    /// <summary>The messages after <paramref name="afterSeq"/>, in order (turn summaries take sequence numbers too, so seq has gaps).</summary>
    public async Task<MessagePage> GetMessagesAsync(Guid id, long afterSeq, int limit, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<MessageRow>(new CommandDefinition($"""
            {MessageSelect} WHERE session_id = @id AND seq > @afterSeq ORDER BY seq LIMIT @take
            """, new { id, afterSeq, take = limit + 1 }, cancellationToken: ct))).AsList();
        var hasMore = rows.Count > limit;
        var items = rows.Take(limit).Select(ToView).ToList();
        return new MessagePage(items, items.Count > 0 ? items[^1].Seq : afterSeq, hasMore);
    }

    /// <summary>Every recorded change of the session's variables, in the order they happened.</summary>
    public async Task<Paged<VariableChangeView>> GetVariableHistoryAsync(Guid id, string? name, string? scope, int page, int pageSize, CancellationToken ct)
    {
        var where = new StringBuilder("session_id = @id");
        if (name is not null) where.Append(" AND name = @name");
        if (scope is not null) where.Append(" AND scope = @scope");
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        using var results = await connection.QueryMultipleAsync(new CommandDefinition($"""
            {ChangeSelect} WHERE {where} ORDER BY turn, ordinal LIMIT @limit OFFSET @offset;
            SELECT COUNT(*) FROM variable_changes WHERE {where};
            """, new { id, name, scope, limit = pageSize, offset = (long)(page - 1) * pageSize }, cancellationToken: ct));
        var rows = (await results.ReadAsync<ChangeRow>()).Select(ToView).ToList();
        return new Paged<VariableChangeView>(rows, page, pageSize, await results.ReadSingleAsync<long>());
    }

    /// <summary>The session's turns in order, with their debug records only when <paramref name="includeDebug"/>.</summary>
    /// <param name="locale">The reader's language, for a failed turn's error title and suggestion (its message is the session's).</param>
    public async Task<Paged<TurnView>> GetTurnsAsync(Guid id, string scriptId, bool includeDebug, string locale, int page, int pageSize, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        using var results = await connection.QueryMultipleAsync(new CommandDefinition($"""
            {TurnSelect} WHERE session_id = @id ORDER BY turn LIMIT @limit OFFSET @offset;
            SELECT COUNT(*) FROM turns WHERE session_id = @id;
            """, new { id, includeDebug, limit = pageSize, offset = (long)(page - 1) * pageSize }, cancellationToken: ct));
        var rows = (await results.ReadAsync<TurnRow>()).Select(t => ToView(t, id, scriptId, locale)).ToList();
        return new Paged<TurnView>(rows, page, pageSize, await results.ReadSingleAsync<long>());
    }

    internal static MessageView ToView(MessageRow m) => new(m.Id, m.Seq, m.Role, m.Content, m.ActionId, Parse(m.Metadata), m.Timestamp);

    internal static VariableChangeView ToView(ChangeRow c) =>
        new(c.Turn, c.Name, c.Scope, Parse(c.OldValue), Parse(c.NewValue), c.SourceActionId, c.ChangedAt);

    internal static TurnView ToView(TurnRow t, Guid sessionId, string scriptId, string locale)
    {
        var position = Parse(t.Position)!.Value;
        var error = t.Error is null ? null : JsonSerializer.Deserialize<ErrorInfo>(t.Error, Json);
        return new TurnView(t.Turn, t.Seq, t.ClientMessageId, t.ExecutionStatus, position, Parse(t.ChangedVariables)!.Value,
            error is null ? null : Problems.FromErrorInfo(error, scriptId, sessionId, position, t.CompletedAt, locale), t.CompletedAt, Parse(t.Debug));
    }

    /// <summary>
    /// Soft delete: the row and its transcript stay (status 'deleted'), hidden from the API; turns still on the
    /// way cannot bring it back (the turn writer never updates a deleted session). False when there is no such session.
    /// </summary>
    /// <param name="actor">Who asked (through the Sessions service), for the audit log; null records nothing.</param>
    public async Task<bool> DeleteAsync(Guid id, CancellationToken ct, Caller? actor = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var deleted = await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE sessions SET status = 'deleted', deleted_at = COALESCE(deleted_at, now()), updated_at = now() WHERE id = @id
            """, new { id }, tx, cancellationToken: ct)) == 1;
        if (deleted && actor is not null) await AuditLog.AppendAsync(connection, tx, new AuditEntry(actor, AuditLog.Actions.SessionDelete, "session", id.ToString()), ct);
        await tx.CommitAsync(ct);
        return deleted;
    }

    private static JsonElement? Parse(string? json) => json is null ? null : JsonDocument.Parse(json).RootElement.Clone();

    private sealed record SnapshotRow(
        Guid SessionId, string UserId, string ScriptId, int ScriptVersion, string Status, string ExecutionStatus,
        string StateJson, long Version, long LastSeq, int Turn, string? Locale, string PositionJson, string VariablesJson);

    private sealed record EventRow(
        long Seq, string Kind, Guid? MessageId, string? Role, string? Content, string? ActionId, string? Metadata,
        DateTime Timestamp, string? ExecutionStatus, string? Position, string? ChangedVariables, string? Error, string? Debug);

    private sealed record SummaryRow(
        Guid Id, string UserId, string ScriptId, int ScriptVersion, string? ScriptName, string Status, string ExecutionStatus, string Position,
        long LastSeq, DateTime CreatedAt, DateTime UpdatedAt, DateTime? CompletedAt, string? Locale);

    private sealed record DetailRow(
        Guid Id, string UserId, string ScriptId, int ScriptVersion, string? ScriptName, string Status, string ExecutionStatus,
        string Position, string Variables, long Version, long LastSeq, DateTime CreatedAt, DateTime UpdatedAt, DateTime? CompletedAt,
        string? EngineState, int? Turn, string? LastError, string? LastErrorPosition, DateTime? LastTurnAt, string? Locale,
        string? RiskLevel, bool Suspended);

    internal sealed record MessageRow(Guid Id, long Seq, string Role, string Content, string? ActionId, string? Metadata, DateTime Timestamp);

    internal sealed record ChangeRow(int Turn, string Name, string Scope, string? OldValue, string? NewValue, string? SourceActionId, DateTime ChangedAt);

    internal sealed record TurnRow(
        int Turn, long Seq, string? ClientMessageId, string ExecutionStatus, string Position, string ChangedVariables, string? Error,
        DateTime CompletedAt, string? Debug);
}
