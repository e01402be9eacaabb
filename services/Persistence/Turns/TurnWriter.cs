using System.Text.Json;
using HeartRule.Contracts;
using Npgsql;
using NpgsqlTypes;

namespace HeartRule.Persistence.Turns;

/// <summary>
/// Commits turns atomically — session row, messages, the turn row and its variable changes in one transaction,
/// sent to the server in one round trip — and idempotently: every row is keyed by (session, seq/turn) and
/// inserted with ON CONFLICT DO NOTHING, so a redelivered event inserts nothing, and the session row only
/// moves forward (an older turn never overwrites a newer state: optimistic concurrency on its version).
/// </summary>
public sealed class TurnWriter(NpgsqlDataSource dataSource)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task WriteAsync(TurnCompleted turn, CancellationToken ct) => WriteAsync([turn], ct);

    /// <summary>All the turns in one transaction: all of them are stored, or none.</summary>
    public async Task WriteAsync(IReadOnlyCollection<TurnCompleted> turns, CancellationToken ct)
    {
        if (turns.Count == 0) return;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var batch = new NpgsqlBatch(connection, tx);
        // One order for every writer: concurrent batches lock session rows in the same order and cannot deadlock.
        foreach (var turn in turns.OrderBy(t => t.SessionId).ThenBy(t => t.Turn)) AddTurn(batch, turn);
        await batch.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }

    private static void AddTurn(NpgsqlBatch batch, TurnCompleted turn)
    {
        var summary = turn.Summary;
        var at = turn.CompletedAt.ToUniversalTime();
        var position = JsonSerializer.Serialize(summary.Position, Json);

        // Inserted by the session's first stored turn, updated by any newer one; a deleted session stays deleted.
        Add(batch, """
            INSERT INTO sessions AS s (id, user_id, script_id, script_version, status, execution_status, position, state, variables,
                                       version, last_seq, created_at, updated_at, completed_at, locale)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, $14)
            ON CONFLICT (id) DO UPDATE SET
                status = EXCLUDED.status, execution_status = EXCLUDED.execution_status, position = EXCLUDED.position,
                state = EXCLUDED.state, variables = EXCLUDED.variables, version = EXCLUDED.version,
                last_seq = EXCLUDED.last_seq, updated_at = EXCLUDED.updated_at,
                completed_at = COALESCE(s.completed_at, EXCLUDED.completed_at), locale = COALESCE(s.locale, EXCLUDED.locale)
            WHERE s.version < EXCLUDED.version AND s.status <> 'deleted'
            """,
            P(turn.SessionId), P(turn.UserId), P(turn.ScriptId), P(turn.ScriptVersion), P(turn.SessionStatus),
            P(summary.ExecutionStatus), Jsonb(position), Jsonb(turn.StateJson), Jsonb(JsonSerializer.Serialize(summary.Variables, Json)),
            P(turn.StateVersion), P(summary.Seq), P(at), P(turn.SessionStatus == "completed" ? at : (DateTimeOffset?)null), P(turn.Locale));

        foreach (var m in turn.Messages)
        {
            Add(batch, """
                INSERT INTO messages (id, session_id, seq, role, content, action_id, metadata, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                ON CONFLICT DO NOTHING
                """,
                P(m.MessageId), P(turn.SessionId), P(m.Seq), P(m.Role), P(m.Content), P(m.ActionId),
                Jsonb(m.Metadata?.GetRawText()), P(m.Timestamp.ToUniversalTime()));
        }

        Add(batch, """
            INSERT INTO turns (session_id, turn, seq, client_message_id, execution_status, position, changed_variables, debug, error, completed_at, safety)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            ON CONFLICT DO NOTHING
            """,
            P(turn.SessionId), P(turn.Turn), P(summary.Seq), P(turn.ClientMessageId), P(summary.ExecutionStatus), Jsonb(position),
            Jsonb(JsonSerializer.Serialize(summary.ChangedVariables, Json)),
            Jsonb(JsonSerializer.Serialize(new { summary.LlmCalls, summary.Variables }, Json)),
            Jsonb(summary.Error is null ? null : JsonSerializer.Serialize(summary.Error, Json)), P(at),
            Jsonb(summary.Safety is null ? null : JsonSerializer.Serialize(summary.Safety, Json)));

        // A crisis response raises the flag in the same transaction as the turn: no flag without its turn, nor the reverse.
        if (summary.Safety is { Acted: true } safety)
        {
            Add(batch, """
                INSERT INTO session_flags (session_id, seq, user_id, script_id, risk_level, severity, reason, evidence, evidence_message_ids,
                                           lexicon_version, flagged_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                ON CONFLICT DO NOTHING
                """,
                P(turn.SessionId), P(summary.Seq), P(turn.UserId), P(turn.ScriptId), P(safety.RiskLevel),
                P<short>(safety.RiskLevel == "imminent" ? (short)4 : (short)3), P(safety.Reason), P(safety.Evidence.ToArray()),
                P(turn.Messages.Where(m => m.Role == "user").Select(m => m.MessageId).ToArray()), P(safety.LexiconVersion), P(at));
        }

        // The ordinal is the change's place in the event, so a redelivery hits the same keys.
        var ordinal = 0;
        foreach (var change in summary.ChangedVariables)
        {
            Add(batch, """
                INSERT INTO variable_changes (session_id, turn, ordinal, name, scope, old_value, new_value, source_action, changed_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                ON CONFLICT DO NOTHING
                """,
                P(turn.SessionId), P(turn.Turn), P(ordinal++), P(change.Name), P(change.Scope),
                Jsonb(change.OldValue?.GetRawText()), Jsonb(change.NewValue?.GetRawText()), P(change.ActionId), P(at));
        }
    }

    private static void Add(NpgsqlBatch batch, string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        batch.BatchCommands.Add(command);
    }

    private static NpgsqlParameter P<T>(T value) => new NpgsqlParameter<T> { TypedValue = value };

    private static NpgsqlParameter P(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    private static NpgsqlParameter P(DateTimeOffset? value) =>
        new() { Value = value is { } v ? v : DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz };

    private static NpgsqlParameter Jsonb(string? json) => new() { Value = (object?)json ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb };
}
