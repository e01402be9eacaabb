using Dapper;
using HeartRule.Contracts;
using HeartRule.Infrastructure;
using HeartRule.Persistence.Audit;
using MassTransit;
using Npgsql;

namespace HeartRule.Persistence.Erasure;

/// <summary>
/// Erases sessions: in one transaction per session, its messages, turns (with their debug records) and variable
/// changes go, its row becomes a tombstone, and the audit log records who erased it. Then <see cref="SessionErased"/>
/// tells the Sessions service to drop the session's Redis state. Erasing twice is harmless (and publishes again).
/// </summary>
public sealed class SessionEraser(NpgsqlDataSource dataSource, IBus bus, ILogger<SessionEraser> logger)
{
    /// <summary>The actor of erasures nobody asked for (the retention job).</summary>
    public static readonly Caller Retention = new("heartrule:retention", new HashSet<string>());

    /// <summary>How long after an erasure late writes of the session (turns in flight at the time) are looked for.</summary>
    public static readonly TimeSpan LateWriteWindow = TimeSpan.FromDays(1);

    /// <summary>The owner of a session (erased or deleted ones included), or null when there is none.</summary>
    public async Task<string?> GetOwnerAsync(Guid sessionId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT user_id FROM sessions WHERE id = @sessionId", new { sessionId }, cancellationToken: ct));
    }

    public async Task EraseSessionAsync(Guid sessionId, Caller actor, string reason, CancellationToken ct)
    {
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            var removed = await DeleteContentAsync(connection, tx, sessionId, ct);
            await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE sessions SET state = '{}', variables = '{}', position = '{}', status = 'deleted',
                    deleted_at = COALESCE(deleted_at, now()), erased_at = COALESCE(erased_at, now()), updated_at = now()
                WHERE id = @sessionId
                """, new { sessionId }, tx, cancellationToken: ct));
            await AuditLog.AppendAsync(connection, tx, new AuditEntry(actor, AuditLog.Actions.SessionErase, "session", sessionId.ToString(),
                new { reason, removed.Messages, removed.Turns, removed.VariableChanges }), ct);
            await tx.CommitAsync(ct);
        }
        await bus.Publish(new SessionErased { SessionId = sessionId }, ct);
        logger.LogInformation("Session {SessionId} erased ({Reason})", sessionId, reason);
    }

    /// <summary>Erases every session of a user; returns how many.</summary>
    public async Task<int> EraseUserAsync(string userId, Caller actor, CancellationToken ct)
    {
        List<Guid> sessions;
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        {
            sessions = (await connection.QueryAsync<Guid>(new CommandDefinition(
                "SELECT id FROM sessions WHERE user_id = @userId", new { userId }, cancellationToken: ct))).AsList();
        }
        foreach (var sessionId in sessions)
        {
            await EraseSessionAsync(sessionId, actor, actor.UserId == userId ? "user" : "admin", ct);
        }
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            // Shares name the user; the scripts they wrote are everyone's and stay (their author id with them).
            await connection.ExecuteAsync(new CommandDefinition("DELETE FROM script_shares WHERE user_id = @userId", new { userId }, tx, cancellationToken: ct));
            await AuditLog.AppendAsync(connection, tx, new AuditEntry(actor, AuditLog.Actions.UserErase, "user", userId, new { sessions = sessions.Count }), ct);
            await tx.CommitAsync(ct);
        }
        return sessions.Count;
    }

    /// <summary>Erases finished sessions (completed, failed or deleted) whose last change is before <paramref name="cutoff"/>.</summary>
    public async Task<int> EraseExpiredAsync(DateTimeOffset cutoff, int batchSize, CancellationToken ct)
    {
        var erased = 0;
        while (true)
        {
            List<Guid> due;
            await using (var connection = await dataSource.OpenConnectionAsync(ct))
            {
                due = (await connection.QueryAsync<Guid>(new CommandDefinition("""
                    SELECT id FROM sessions
                    WHERE erased_at IS NULL AND status IN ('completed', 'failed', 'deleted') AND updated_at < @cutoff
                    ORDER BY updated_at LIMIT @batchSize
                    """, new { cutoff, batchSize }, cancellationToken: ct))).AsList();
            }
            foreach (var sessionId in due) await EraseSessionAsync(sessionId, Retention, "retention", ct);
            erased += due.Count;
            if (due.Count < batchSize) return erased;
        }
    }

    /// <summary>
    /// A turn in flight when its session was erased may be written after the erasure: anything stored for a session
    /// erased within <see cref="LateWriteWindow"/> is erased again. Returns the sessions that had something.
    /// </summary>
    public async Task<int> EraseLateWritesAsync(DateTimeOffset now, CancellationToken ct)
    {
        List<Guid> late;
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        {
            late = (await connection.QueryAsync<Guid>(new CommandDefinition("""
                SELECT s.id FROM sessions s
                WHERE s.erased_at > @since AND (EXISTS (SELECT 1 FROM messages m WHERE m.session_id = s.id)
                    OR EXISTS (SELECT 1 FROM turns t WHERE t.session_id = s.id)
                    OR EXISTS (SELECT 1 FROM variable_changes v WHERE v.session_id = s.id)
                    OR EXISTS (SELECT 1 FROM session_flags f WHERE f.session_id = s.id))
                """, new { since = now - LateWriteWindow }, cancellationToken: ct))).AsList();
        }
        foreach (var sessionId in late) await EraseSessionAsync(sessionId, Retention, "late write after erasure", ct);
        return late.Count;
    }

    private static async Task<(int Messages, int Turns, int VariableChanges)> DeleteContentAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, Guid sessionId, CancellationToken ct)
    {
        var changes = await connection.ExecuteAsync(new CommandDefinition("DELETE FROM variable_changes WHERE session_id = @sessionId", new { sessionId }, tx, cancellationToken: ct));
        var turns = await connection.ExecuteAsync(new CommandDefinition("DELETE FROM turns WHERE session_id = @sessionId", new { sessionId }, tx, cancellationToken: ct));
        var messages = await connection.ExecuteAsync(new CommandDefinition("DELETE FROM messages WHERE session_id = @sessionId", new { sessionId }, tx, cancellationToken: ct));
        // A flag names the rules that matched and the messages that raised them: it goes with them.
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM session_flags WHERE session_id = @sessionId", new { sessionId }, tx, cancellationToken: ct));
        return (messages, turns, changes);
    }
}
