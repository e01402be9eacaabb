using System.Text.Json;
using HeartRule.Contracts;
using Npgsql;
using NpgsqlTypes;

namespace HeartRule.Persistence.Turns;

/// <summary>
/// Commits turns atomically — session rows, messages, turn rows, flags and variable changes in one transaction,
/// sent to the server in one round trip — and idempotently: every row is keyed by (session, seq/turn) and
/// inserted with ON CONFLICT DO NOTHING, so a redelivered event inserts nothing, and a session row only
/// moves forward (an older turn never overwrites a newer state: optimistic concurrency on its version).
/// </summary>
/// <remarks>
/// Set-based: a batch goes as one statement per table, its rows in array parameters. The texts never vary with the
/// batch size, so they are prepared once per connection (Max Auto Prepare), and PostgreSQL pays its per-statement
/// costs (bind, executor start and end, trigger queue, reply) five times a batch instead of about six times a turn,
/// which was a fifth to a quarter of its CPU per turn in batches of five (docs/benchmarks.md). Every statement inserts
/// its rows ordered by session, then turn or seq, so concurrent batches take their locks in one order and cannot deadlock.
/// </remarks>
public sealed class TurnWriter(NpgsqlDataSource dataSource)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task WriteAsync(TurnCompleted turn, CancellationToken ct) => WriteAsync([turn], ct);

    /// <summary>All the turns in one transaction: all of them are stored, or none.</summary>
    public async Task WriteAsync(IReadOnlyCollection<TurnCompleted> turns, CancellationToken ct)
    {
        if (turns.Count == 0) return;
        var rows = turns.Select(t => new TurnRow(t, t.CompletedAt.ToUniversalTime(), JsonSerializer.Serialize(t.Summary.Position, Json))).ToList();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var batch = new NpgsqlBatch(connection, tx);
        AddSessions(batch, rows);
        AddMessages(batch, rows);
        AddTurns(batch, rows);
        AddFlags(batch, rows);
        AddVariableChanges(batch, rows);
        await batch.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }

    private sealed record TurnRow(TurnCompleted Turn, DateTimeOffset At, string Position);

    private sealed record SessionRow(TurnRow Newest, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt);

    private static void AddSessions(NpgsqlBatch batch, List<TurnRow> rows)
    {
        // One row per session, as ON CONFLICT DO UPDATE may not touch a row twice in one statement: its newest turn's
        // state; created_at and completed_at of its earliest turns, as if the turns had come one by one (the first
        // inserts the row, the first completed one sets completed_at, which later ones keep).
        var sessions = rows.GroupBy(r => r.Turn.SessionId).Select(g => new SessionRow(
            g.MaxBy(r => r.Turn.StateVersion)!,
            g.MinBy(r => r.Turn.StateVersion)!.At,
            g.Where(r => r.Turn.SessionStatus == "completed").MinBy(r => r.Turn.StateVersion)?.At)).ToList();

        // A deleted session stays deleted.
        Add(batch, """
            INSERT INTO sessions AS s (id, user_id, script_id, script_version, status, execution_status, position, state, variables,
                                       version, last_seq, created_at, updated_at, completed_at, locale)
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::jsonb[], $8::jsonb[], $9::jsonb[],
                                 $10::bigint[], $11::bigint[], $12::timestamptz[], $13::timestamptz[], $14::timestamptz[], $15::text[])
                AS n (id, user_id, script_id, script_version, status, execution_status, position, state, variables,
                      version, last_seq, created_at, updated_at, completed_at, locale)
            ORDER BY id
            ON CONFLICT (id) DO UPDATE SET
                status = EXCLUDED.status, execution_status = EXCLUDED.execution_status, position = EXCLUDED.position,
                state = EXCLUDED.state, variables = EXCLUDED.variables, version = EXCLUDED.version,
                last_seq = EXCLUDED.last_seq, updated_at = EXCLUDED.updated_at,
                completed_at = COALESCE(s.completed_at, EXCLUDED.completed_at), locale = COALESCE(s.locale, EXCLUDED.locale)
            WHERE s.version < EXCLUDED.version AND s.status <> 'deleted'
            """,
            Column(sessions, s => s.Newest.Turn.SessionId), Column(sessions, s => s.Newest.Turn.UserId),
            Column(sessions, s => s.Newest.Turn.ScriptId), Column(sessions, s => s.Newest.Turn.ScriptVersion),
            Column(sessions, s => s.Newest.Turn.SessionStatus), Column(sessions, s => s.Newest.Turn.Summary.ExecutionStatus),
            JsonbColumn(sessions, s => s.Newest.Position), JsonbColumn(sessions, s => s.Newest.Turn.StateJson),
            JsonbColumn(sessions, s => JsonSerializer.Serialize(s.Newest.Turn.Summary.Variables, Json)),
            Column(sessions, s => s.Newest.Turn.StateVersion), Column(sessions, s => s.Newest.Turn.Summary.Seq),
            Column(sessions, s => s.CreatedAt), Column(sessions, s => s.Newest.At), Column(sessions, s => s.CompletedAt),
            Column(sessions, s => s.Newest.Turn.Locale));
    }

    private static void AddMessages(NpgsqlBatch batch, List<TurnRow> rows)
    {
        var messages = rows.SelectMany(r => r.Turn.Messages, (r, m) => (r.Turn.SessionId, Message: m)).ToList();
        if (messages.Count == 0) return;
        Add(batch, """
            INSERT INTO messages (id, session_id, seq, role, content, action_id, metadata, created_at)
            SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::timestamptz[])
                AS m (id, session_id, seq, role, content, action_id, metadata, created_at)
            ORDER BY session_id, seq
            ON CONFLICT DO NOTHING
            """,
            Column(messages, m => m.Message.MessageId), Column(messages, m => m.SessionId), Column(messages, m => m.Message.Seq),
            Column(messages, m => m.Message.Role), Column(messages, m => m.Message.Content), Column(messages, m => m.Message.ActionId),
            JsonbColumn(messages, m => m.Message.Metadata?.GetRawText()), Column(messages, m => m.Message.Timestamp.ToUniversalTime()));
    }

    private static void AddTurns(NpgsqlBatch batch, List<TurnRow> rows)
    {
        Add(batch, """
            INSERT INTO turns (session_id, turn, seq, client_message_id, execution_status, position, changed_variables, debug, error, completed_at, safety)
            SELECT * FROM unnest($1::uuid[], $2::int[], $3::bigint[], $4::text[], $5::text[], $6::jsonb[], $7::jsonb[], $8::jsonb[], $9::jsonb[],
                                 $10::timestamptz[], $11::jsonb[])
                AS t (session_id, turn, seq, client_message_id, execution_status, position, changed_variables, debug, error, completed_at, safety)
            ORDER BY session_id, turn
            ON CONFLICT DO NOTHING
            """,
            Column(rows, r => r.Turn.SessionId), Column(rows, r => r.Turn.Turn), Column(rows, r => r.Turn.Summary.Seq),
            Column(rows, r => r.Turn.ClientMessageId), Column(rows, r => r.Turn.Summary.ExecutionStatus), JsonbColumn(rows, r => r.Position),
            JsonbColumn(rows, r => JsonSerializer.Serialize(r.Turn.Summary.ChangedVariables, Json)),
            JsonbColumn(rows, r => JsonSerializer.Serialize(new { r.Turn.Summary.LlmCalls, r.Turn.Summary.Variables }, Json)),
            JsonbColumn(rows, r => r.Turn.Summary.Error is { } error ? JsonSerializer.Serialize(error, Json) : null),
            Column(rows, r => r.At),
            JsonbColumn(rows, r => r.Turn.Summary.Safety is { } safety ? JsonSerializer.Serialize(safety, Json) : null));
    }

    private static void AddFlags(NpgsqlBatch batch, List<TurnRow> rows)
    {
        // A crisis response raises the flag in the same transaction as the turn: no flag without its turn, nor the reverse.
        var flags = rows.Where(r => r.Turn.Summary.Safety is { Acted: true }).Select(r => (Row: r, Safety: r.Turn.Summary.Safety!)).ToList();
        if (flags.Count == 0) return;
        // Arrays of arrays do not unnest row by row, so each flag's lists travel as a JSON array.
        Add(batch, """
            INSERT INTO session_flags (session_id, seq, user_id, script_id, risk_level, severity, reason, evidence, evidence_message_ids,
                                       lexicon_version, flagged_at)
            SELECT f.session_id, f.seq, f.user_id, f.script_id, f.risk_level, f.severity, f.reason,
                   ARRAY(SELECT jsonb_array_elements_text(f.evidence)), ARRAY(SELECT jsonb_array_elements_text(f.message_ids)::uuid),
                   f.lexicon_version, f.flagged_at
            FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::smallint[], $7::text[], $8::jsonb[], $9::jsonb[],
                        $10::text[], $11::timestamptz[])
                AS f (session_id, seq, user_id, script_id, risk_level, severity, reason, evidence, message_ids, lexicon_version, flagged_at)
            ORDER BY f.session_id, f.seq
            ON CONFLICT DO NOTHING
            """,
            Column(flags, f => f.Row.Turn.SessionId), Column(flags, f => f.Row.Turn.Summary.Seq), Column(flags, f => f.Row.Turn.UserId),
            Column(flags, f => f.Row.Turn.ScriptId), Column(flags, f => f.Safety.RiskLevel),
            Column(flags, f => f.Safety.RiskLevel == "imminent" ? (short)4 : (short)3), Column(flags, f => f.Safety.Reason),
            JsonbColumn(flags, f => JsonSerializer.Serialize(f.Safety.Evidence, Json)),
            JsonbColumn(flags, f => JsonSerializer.Serialize(f.Row.Turn.Messages.Where(m => m.Role == "user").Select(m => m.MessageId), Json)),
            Column(flags, f => f.Safety.LexiconVersion), Column(flags, f => f.Row.At));
    }

    private static void AddVariableChanges(NpgsqlBatch batch, List<TurnRow> rows)
    {
        // The ordinal is the change's place in the event, so a redelivery hits the same keys.
        var changes = rows.SelectMany(r => r.Turn.Summary.ChangedVariables.Select((c, ordinal) => (Row: r, Ordinal: ordinal, Change: c))).ToList();
        if (changes.Count == 0) return;
        Add(batch, """
            INSERT INTO variable_changes (session_id, turn, ordinal, name, scope, old_value, new_value, source_action, changed_at)
            SELECT * FROM unnest($1::uuid[], $2::int[], $3::int[], $4::text[], $5::text[], $6::jsonb[], $7::jsonb[], $8::text[], $9::timestamptz[])
                AS v (session_id, turn, ordinal, name, scope, old_value, new_value, source_action, changed_at)
            ORDER BY session_id, turn, ordinal
            ON CONFLICT DO NOTHING
            """,
            Column(changes, c => c.Row.Turn.SessionId), Column(changes, c => c.Row.Turn.Turn), Column(changes, c => c.Ordinal),
            Column(changes, c => c.Change.Name), Column(changes, c => c.Change.Scope),
            JsonbColumn(changes, c => c.Change.OldValue?.GetRawText()), JsonbColumn(changes, c => c.Change.NewValue?.GetRawText()),
            Column(changes, c => c.Change.ActionId), Column(changes, c => c.Row.At));
    }

    private static void Add(NpgsqlBatch batch, string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        batch.BatchCommands.Add(command);
    }

    /// <summary>One column of a statement's rows, as a typed array parameter (uuid[], text[], bigint[], timestamptz[] …).</summary>
    private static NpgsqlParameter<T[]> Column<TRow, T>(List<TRow> rows, Func<TRow, T> value) => new() { TypedValue = [.. rows.Select(value)] };

    private static NpgsqlParameter JsonbColumn<TRow>(List<TRow> rows, Func<TRow, string?> json) =>
        new() { Value = rows.Select(json).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb };
}
