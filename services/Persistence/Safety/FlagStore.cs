using Dapper;
using HeartRule.Infrastructure;
using HeartRule.Persistence.Audit;
using HeartRule.Persistence.Sessions;
using Npgsql;

namespace HeartRule.Persistence.Safety;

/// <summary>A session the safety net flagged, as counsellors see it in their queue: levels, rule ids and message ids, no words.</summary>
public sealed record FlagView(
    Guid SessionId, long Seq, string UserId, string ScriptId, string RiskLevel, string? Reason, IReadOnlyList<string> Evidence,
    IReadOnlyList<Guid> EvidenceMessageIds, string? LexiconVersion, DateTime FlaggedAt, DateTime? ResolvedAt, string? ResolvedBy);

/// <summary>The flags the turn writer raises (table <c>session_flags</c>): the counsellors' queue, and its resolution.</summary>
public sealed class FlagStore(NpgsqlDataSource dataSource)
{
    public static readonly IReadOnlyList<string> Statuses = ["open", "resolved", "all"];

    /// <summary>Open flags most severe first, then the longest waiting; resolved ones most recently resolved first.</summary>
    public async Task<Paged<FlagView>> ListAsync(string status, int page, int pageSize, CancellationToken ct)
    {
        var (where, order) = status switch
        {
            "open" => ("resolved_at IS NULL", "severity DESC, flagged_at, session_id, seq"),
            "resolved" => ("resolved_at IS NOT NULL", "resolved_at DESC, session_id, seq"),
            _ => ("true", "(resolved_at IS NULL) DESC, severity DESC, flagged_at, session_id, seq"),
        };
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        using var results = await connection.QueryMultipleAsync(new CommandDefinition($"""
            SELECT session_id AS SessionId, seq AS Seq, user_id AS UserId, script_id AS ScriptId, risk_level AS RiskLevel, reason AS Reason,
                   evidence AS Evidence, evidence_message_ids AS EvidenceMessageIds, lexicon_version AS LexiconVersion,
                   flagged_at AS FlaggedAt, resolved_at AS ResolvedAt, resolved_by AS ResolvedBy
            FROM session_flags WHERE {where} ORDER BY {order} LIMIT @limit OFFSET @offset;
            SELECT COUNT(*) FROM session_flags WHERE {where};
            """, new { limit = pageSize, offset = (long)(page - 1) * pageSize }, cancellationToken: ct));
        var rows = (await results.ReadAsync<FlagRow>()).Select(r => new FlagView(r.SessionId, r.Seq, r.UserId, r.ScriptId, r.RiskLevel, r.Reason,
            r.Evidence, r.EvidenceMessageIds, r.LexiconVersion, r.FlaggedAt, r.ResolvedAt, r.ResolvedBy)).ToList();
        return new Paged<FlagView>(rows, page, pageSize, await results.ReadSingleAsync<long>());
    }

    /// <summary>Whether the safety net ever flagged the session (counsellors may watch it then).</summary>
    public async Task<bool> WasFlaggedAsync(Guid sessionId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM session_flags WHERE session_id = @sessionId)", new { sessionId }, cancellationToken: ct));
    }

    /// <summary>Marks an open flag handled, with the audit entry in the same transaction. False when there is no such open flag.</summary>
    public async Task<bool> ResolveAsync(Guid sessionId, long seq, Caller caller, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var resolved = await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE session_flags SET resolved_at = now(), resolved_by = @by
            WHERE session_id = @sessionId AND seq = @seq AND resolved_at IS NULL
            """, new { sessionId, seq, by = caller.UserId }, tx, cancellationToken: ct));
        if (resolved == 0) return false;
        await AuditLog.AppendAsync(connection, tx, new AuditEntry(caller, AuditLog.Actions.FlagResolve, "session", sessionId.ToString(), new { seq }), ct);
        await tx.CommitAsync(ct);
        return true;
    }

    // Settable properties, not a positional record: Dapper matches constructors by the reader's field types, and
    // Npgsql reports array columns as System.Array.
    private sealed class FlagRow
    {
        public Guid SessionId { get; set; }
        public long Seq { get; set; }
        public string UserId { get; set; } = "";
        public string ScriptId { get; set; } = "";
        public string RiskLevel { get; set; } = "";
        public string? Reason { get; set; }
        public string[] Evidence { get; set; } = [];
        public Guid[] EvidenceMessageIds { get; set; } = [];
        public string? LexiconVersion { get; set; }
        public DateTime FlaggedAt { get; set; }
        public DateTime? ResolvedAt { get; set; }
        public string? ResolvedBy { get; set; }
    }
}
