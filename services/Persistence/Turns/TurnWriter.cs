using System.Text.Json;
using Dapper;
using HeartRule.Contracts;
using Npgsql;

namespace HeartRule.Persistence.Turns;

/// <summary>
/// Commits a turn atomically — session row, messages, the turn row and its variable changes in one
/// transaction — and idempotently: every row is keyed by (session, seq/turn), so a redelivered event inserts
/// nothing, and the session row only moves forward (a late, older turn never overwrites a newer state).
/// </summary>
public sealed class TurnWriter(NpgsqlDataSource dataSource)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task WriteAsync(TurnCompleted turn, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await WriteAsync(connection, tx, turn, ct);
        await tx.CommitAsync(ct);
    }

    public async Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, TurnCompleted turn, CancellationToken ct)
    {
        var summary = turn.Summary;
        var lastSeq = summary.Seq;
        var completedAt = summary.ExecutionStatus == "completed" ? turn.CompletedAt : (DateTimeOffset?)null;
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO sessions AS s (id, user_id, script_id, script_version, status, execution_status, position, state, variables,
                                       version, last_seq, created_at, updated_at, completed_at)
            VALUES (@SessionId, @UserId, @ScriptId, @ScriptVersion, @Status, @ExecutionStatus, @Position::jsonb, @State::jsonb,
                    @Variables::jsonb, @Version, @LastSeq, @At, @At, @CompletedAt)
            ON CONFLICT (id) DO UPDATE SET
                status = EXCLUDED.status, execution_status = EXCLUDED.execution_status, position = EXCLUDED.position,
                state = EXCLUDED.state, variables = EXCLUDED.variables, version = EXCLUDED.version,
                last_seq = EXCLUDED.last_seq, updated_at = EXCLUDED.updated_at,
                completed_at = COALESCE(s.completed_at, EXCLUDED.completed_at)
            WHERE s.version < EXCLUDED.version AND s.status <> 'deleted'
            """, new
        {
            turn.SessionId, turn.UserId, turn.ScriptId, turn.ScriptVersion,
            Status = turn.SessionStatus,
            summary.ExecutionStatus,
            Position = JsonSerializer.Serialize(summary.Position, Json),
            State = turn.StateJson,
            Variables = JsonSerializer.Serialize(summary.Variables, Json),
            Version = turn.StateVersion,
            LastSeq = lastSeq,
            At = turn.CompletedAt,
            CompletedAt = completedAt,
        }, tx, cancellationToken: ct));

        foreach (var m in turn.Messages)
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO messages (id, session_id, seq, role, content, action_id, metadata, created_at)
                VALUES (@MessageId, @SessionId, @Seq, @Role, @Content, @ActionId, @Metadata::jsonb, @Timestamp)
                ON CONFLICT DO NOTHING
                """, new
            {
                m.MessageId, turn.SessionId, m.Seq, m.Role, m.Content, m.ActionId,
                Metadata = m.Metadata?.GetRawText(), m.Timestamp,
            }, tx, cancellationToken: ct));
        }

        var inserted = await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO turns (session_id, turn, seq, client_message_id, execution_status, position, changed_variables, debug, error, completed_at)
            VALUES (@SessionId, @Turn, @Seq, @ClientMessageId, @ExecutionStatus, @Position::jsonb, @Changed::jsonb, @Debug::jsonb, @Error::jsonb, @At)
            ON CONFLICT DO NOTHING
            """, new
        {
            turn.SessionId, turn.Turn, summary.Seq, turn.ClientMessageId, summary.ExecutionStatus,
            Position = JsonSerializer.Serialize(summary.Position, Json),
            Changed = JsonSerializer.Serialize(summary.ChangedVariables, Json),
            Debug = JsonSerializer.Serialize(new { summary.LlmCalls, summary.Variables }, Json),
            Error = summary.Error is null ? null : JsonSerializer.Serialize(summary.Error, Json),
            At = turn.CompletedAt,
        }, tx, cancellationToken: ct));
        if (inserted == 0) return; // the turn is already stored, and with it its variable changes

        var ordinal = 0;
        foreach (var change in summary.ChangedVariables)
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO variable_changes (session_id, turn, ordinal, name, scope, old_value, new_value, source_action, changed_at)
                VALUES (@SessionId, @Turn, @Ordinal, @Name, @Scope, @Old::jsonb, @New::jsonb, @ActionId, @At)
                ON CONFLICT DO NOTHING
                """, new
            {
                turn.SessionId, turn.Turn, Ordinal = ordinal++, change.Name, change.Scope,
                Old = change.OldValue?.GetRawText(), New = change.NewValue?.GetRawText(), change.ActionId, At = turn.CompletedAt,
            }, tx, cancellationToken: ct));
        }
    }
}
