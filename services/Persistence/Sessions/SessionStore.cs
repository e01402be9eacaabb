using System.Text.Json;
using Dapper;
using Npgsql;

namespace HeartRule.Persistence.Sessions;

public sealed class SessionStore(NpgsqlDataSource dataSource)
{
    public async Task<SessionSnapshot?> GetSnapshotAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<SessionSnapshot>(new CommandDefinition("""
            SELECT s.id AS SessionId, s.user_id AS UserId, s.script_id AS ScriptId, s.script_version AS ScriptVersion,
                   s.status AS Status, s.execution_status AS ExecutionStatus, s.state::text AS StateJson, s.version AS Version,
                   s.last_seq AS LastSeq, (SELECT COALESCE(MAX(turn), 0) FROM turns t WHERE t.session_id = s.id) AS Turn
            FROM sessions s WHERE s.id = @id
            """, new { id }, cancellationToken: ct));
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
            r.Timestamp, r.ExecutionStatus, Parse(r.Position), Parse(r.ChangedVariables), Parse(r.Error), Parse(r.Debug))).ToList();
    }

    private static JsonElement? Parse(string? json) => json is null ? null : JsonDocument.Parse(json).RootElement.Clone();

    private sealed record EventRow(
        long Seq, string Kind, Guid? MessageId, string? Role, string? Content, string? ActionId, string? Metadata,
        DateTime Timestamp, string? ExecutionStatus, string? Position, string? ChangedVariables, string? Error, string? Debug);
}
