using HeartRule.Contracts;
using HeartRule.Persistence.Database;
using HeartRule.Persistence.Scripts;
using HeartRule.Persistence.Tests.Fixtures;
using HeartRule.Persistence.Turns;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using static HeartRule.Persistence.Tests.Fixtures.TestTurns;

namespace HeartRule.Persistence.Tests;

/// <summary>The turn writer against a real database: idempotence, atomicity and optimistic concurrency.</summary>
[Collection(ServersCollection.Name)]
public sealed class TurnWriterTests(Servers servers) : IAsyncLifetime
{
    private string _db = "";
    private NpgsqlDataSource? _source;
    private TurnWriter _writer = null!;

    public async Task InitializeAsync()
    {
        _db = await servers.CreateDatabaseAsync("writer");
        _source = Db.DataSource(_db);
        await new Migrator(_source, NullLogger<Migrator>.Instance).MigrateAsync(CancellationToken.None);
        await new SampleScriptSeeder(new ScriptStore(_source), NullLogger<SampleScriptSeeder>.Instance).SeedAsync(CancellationToken.None);
        _writer = new TurnWriter(_source);
    }

    public async Task DisposeAsync()
    {
        if (_source is not null) await _source.DisposeAsync();
    }

    [Fact]
    public async Task The_same_turn_written_twice_is_stored_once()
    {
        var session = Guid.NewGuid();
        var turn = Turn(session, 1, aiMessages: 2, changes: [Change("name", null, "Ada"), Change("mood", null, 3)]);

        await _writer.WriteAsync(turn, CancellationToken.None);
        await _writer.WriteAsync(turn, CancellationToken.None);
        await _writer.WriteAsync([turn, turn], CancellationToken.None);

        Assert.Equal(1, await Db.CountAsync(_db, "SELECT COUNT(*) FROM sessions WHERE id = @id", session));
        Assert.Equal(3, await Db.CountAsync(_db, "SELECT COUNT(*) FROM messages WHERE session_id = @id", session));
        Assert.Equal(1, await Db.CountAsync(_db, "SELECT COUNT(*) FROM turns WHERE session_id = @id", session));
        Assert.Equal(2, await Db.CountAsync(_db, "SELECT COUNT(*) FROM variable_changes WHERE session_id = @id", session));
    }

    [Fact]
    public async Task A_turn_that_fails_halfway_leaves_nothing_behind()
    {
        var session = Guid.NewGuid();
        // The session row and the first messages are valid; the user message's role breaks a CHECK constraint.
        var broken = Turn(session, 1, aiMessages: 2, role: "robot", changes: [Change("name", null, "Ada")]);

        var error = await Assert.ThrowsAsync<PostgresException>(() => _writer.WriteAsync(broken, CancellationToken.None));

        Assert.Equal(PostgresErrorCodes.CheckViolation, error.SqlState);
        Assert.False(DatabaseErrors.IsTransient(error));
        Assert.Equal(0, await Db.CountAsync(_db, "SELECT COUNT(*) FROM sessions WHERE id = @id", session));
        Assert.Equal(0, await Db.CountAsync(_db, "SELECT COUNT(*) FROM messages WHERE session_id = @id", session));
        Assert.Equal(0, await Db.CountAsync(_db, "SELECT COUNT(*) FROM turns WHERE session_id = @id", session));
        Assert.Equal(0, await Db.CountAsync(_db, "SELECT COUNT(*) FROM variable_changes WHERE session_id = @id", session));
    }

    [Fact]
    public async Task A_batch_is_one_transaction_so_a_bad_turn_stores_none_of_it()
    {
        var good = Guid.NewGuid();
        var bad = Guid.NewGuid();

        await Assert.ThrowsAsync<PostgresException>(() => _writer.WriteAsync([Turn(good, 0), Turn(bad, 1, role: "robot")], CancellationToken.None));

        Assert.Equal(0, await Db.CountAsync(_db, "SELECT COUNT(*) FROM sessions WHERE id = @id", good));
        Assert.Equal(0, await Db.CountAsync(_db, "SELECT COUNT(*) FROM messages WHERE session_id = @id", good));
    }

    [Fact]
    public async Task An_older_turn_arriving_late_never_overwrites_a_newer_state()
    {
        var session = Guid.NewGuid();
        await _writer.WriteAsync(Turn(session, 0), CancellationToken.None);
        await _writer.WriteAsync(Turn(session, 2, executionStatus: "completed"), CancellationToken.None);

        // Turn 1 comes last (a redelivery after a broker hiccup): its version (2) is older than the stored one (3).
        await _writer.WriteAsync(Turn(session, 1), CancellationToken.None);

        Assert.Equal(3, await Db.ScalarAsync<long>(_db, "SELECT version FROM sessions WHERE id = @id", session));
        Assert.Equal("completed", await Db.ScalarAsync<string>(_db, "SELECT status FROM sessions WHERE id = @id", session));
        Assert.Equal("completed", await Db.ScalarAsync<string>(_db, "SELECT execution_status FROM sessions WHERE id = @id", session));
        Assert.Equal(2, await Db.ScalarAsync<int>(_db, "SELECT (state->>'turn')::int FROM sessions WHERE id = @id", session));
        Assert.Equal(2 * SeqPerTurn + 3, await Db.ScalarAsync<long>(_db, "SELECT last_seq FROM sessions WHERE id = @id", session));
        // The late turn's transcript is still history worth keeping.
        Assert.Equal(3, await Db.CountAsync(_db, "SELECT COUNT(*) FROM turns WHERE session_id = @id", session));
        Assert.Equal(1, await Db.CountAsync(_db, "SELECT COUNT(*) FROM messages WHERE session_id = @id AND content = 'answer 1'", session));
    }

    [Fact]
    public async Task Concurrent_writers_of_one_session_end_on_its_newest_turn()
    {
        var session = Guid.NewGuid();
        await _writer.WriteAsync(Turn(session, 0), CancellationToken.None);
        var turns = Enumerable.Range(1, 30).Select(i => Turn(session, i)).OrderBy(_ => Random.Shared.Next()).ToList();

        await Task.WhenAll(turns.Chunk(3).Select(chunk => Task.Run(() => _writer.WriteAsync(chunk, CancellationToken.None))));

        Assert.Equal(31, await Db.ScalarAsync<long>(_db, "SELECT version FROM sessions WHERE id = @id", session));
        Assert.Equal(30, await Db.ScalarAsync<int>(_db, "SELECT (state->>'turn')::int FROM sessions WHERE id = @id", session));
        Assert.Equal(31, await Db.CountAsync(_db, "SELECT COUNT(*) FROM turns WHERE session_id = @id", session));
    }

    [Fact]
    public async Task A_completed_script_completes_the_session_and_a_deleted_session_stays_deleted()
    {
        var completed = Guid.NewGuid();
        await _writer.WriteAsync(Turn(completed, 0, executionStatus: "completed"), CancellationToken.None);
        Assert.Equal("completed", await Db.ScalarAsync<string>(_db, "SELECT status FROM sessions WHERE id = @id", completed));
        Assert.NotEqual(default, await Db.ScalarAsync<DateTime>(_db, "SELECT completed_at FROM sessions WHERE id = @id", completed));

        var deleted = Guid.NewGuid();
        await _writer.WriteAsync(Turn(deleted, 0), CancellationToken.None);
        Assert.True(await new HeartRule.Persistence.Sessions.SessionStore(_source!).DeleteAsync(deleted, CancellationToken.None));
        await _writer.WriteAsync(Turn(deleted, 1), CancellationToken.None);
        Assert.Equal("deleted", await Db.ScalarAsync<string>(_db, "SELECT status FROM sessions WHERE id = @id", deleted));
        Assert.Equal(1, await Db.ScalarAsync<long>(_db, "SELECT version FROM sessions WHERE id = @id", deleted));
    }

    [Fact]
    public async Task A_batch_with_several_turns_of_a_session_stores_each_row_once_and_ends_on_the_newest_turn()
    {
        Guid a = Guid.NewGuid(), b = Guid.NewGuid(), c = Guid.NewGuid();
        // Out of order on purpose: the writer orders the rows, not its caller.
        await _writer.WriteAsync(
            [
                At(Turn(a, 2, changes: [Change("mood", 2, 3)])), At(Turn(b, 0)), At(Turn(c, 1, executionStatus: "completed")),
                At(Turn(a, 0, changes: [Change("name", null, "Ada"), Change("mood", null, 2)])), At(Turn(c, 2, executionStatus: "completed")),
                At(Turn(a, 1, aiMessages: 2)), At(Turn(c, 0)),
            ],
            CancellationToken.None);

        Assert.Equal("1=question 0.0,11=answer 1,12=question 1.0,13=question 1.1,21=answer 2,22=question 2.0", await MessagesAsync(a));
        Assert.Equal("0,1,2", await Db.ScalarAsync<string>(_db, "SELECT string_agg(turn::text, ',' ORDER BY turn) FROM turns WHERE session_id = @id", a));
        Assert.Equal("0:0:name=\"Ada\",0:1:mood=2,2:0:mood=3", await ChangesAsync(a));
        // The newest turn's state; created by the first turn, completed by the first completed one.
        Assert.Equal("3 active 2 23 12:00 12:02 -", await SessionAsync(a));
        Assert.Equal("1 active 0 2 12:00 12:00 -", await SessionAsync(b));
        Assert.Equal("3 completed 2 23 12:00 12:02 12:01", await SessionAsync(c));
    }

    [Fact]
    public async Task The_same_batch_written_twice_is_stored_once()
    {
        Guid a = Guid.NewGuid(), b = Guid.NewGuid();
        TurnCompleted[] batch =
        [
            At(Turn(a, 0)), At(Turn(a, 1, changes: [Change("name", null, "Ada")])), Flagged(b, 0, "high", "user-b"),
            At(Turn(b, 1, "user-b", changes: [Change("mood", null, 1), Change("mood", 1, 2)])),
        ];
        const string Rows = """
            SELECT (SELECT COUNT(*) FROM messages WHERE session_id = ANY(@id)) || ' ' || (SELECT COUNT(*) FROM turns WHERE session_id = ANY(@id))
                || ' ' || (SELECT COUNT(*) FROM variable_changes WHERE session_id = ANY(@id)) || ' ' || (SELECT COUNT(*) FROM session_flags WHERE session_id = ANY(@id))
                || ' ' || (SELECT string_agg(version::text, ',' ORDER BY version) FROM sessions WHERE id = ANY(@id))
            """;

        await _writer.WriteAsync(batch, CancellationToken.None);
        Assert.Equal("6 4 3 1 2,2", await Db.ScalarAsync<string>(_db, Rows, new[] { a, b }));
        await _writer.WriteAsync(batch, CancellationToken.None);
        await _writer.WriteAsync([.. batch, .. batch], CancellationToken.None);

        Assert.Equal("6 4 3 1 2,2", await Db.ScalarAsync<string>(_db, Rows, new[] { a, b }));
        Assert.Equal("2 active 1 13 12:00 12:01 -", await SessionAsync(a));
    }

    [Fact]
    public async Task Stale_turns_in_a_batch_are_stored_as_history_and_never_move_the_session_back()
    {
        Guid a = Guid.NewGuid(), b = Guid.NewGuid();
        await _writer.WriteAsync([At(Turn(a, 0)), At(Turn(a, 3))], CancellationToken.None);

        // Turns 1 and 2 arrive late (a redelivery): 1 comes with the newer turn 4, 2 with another session's.
        await _writer.WriteAsync([At(Turn(a, 4)), At(Turn(a, 1)), At(Turn(b, 0))], CancellationToken.None);
        Assert.Equal("5 active 4 43 12:00 12:04 -", await SessionAsync(a));
        await _writer.WriteAsync([At(Turn(b, 1)), At(Turn(a, 2))], CancellationToken.None);

        Assert.Equal("5 active 4 43 12:00 12:04 -", await SessionAsync(a));
        Assert.Equal("2 active 1 13 12:00 12:01 -", await SessionAsync(b));
        Assert.Equal("0,1,2,3,4", await Db.ScalarAsync<string>(_db, "SELECT string_agg(turn::text, ',' ORDER BY turn) FROM turns WHERE session_id = @id", a));
        Assert.Equal("1=question 0.0,11=answer 1,12=question 1.0,21=answer 2,22=question 2.0,31=answer 3,32=question 3.0,41=answer 4,42=question 4.0",
            await MessagesAsync(a));
    }

    [Fact]
    public async Task Absent_values_are_stored_as_nulls_beside_present_ones()
    {
        var session = Guid.NewGuid();
        var failed = Turn(session, 1, changes: [Change("name", null, "Ada", actionId: null), Change("mood", 3, null)],
            error: new ErrorInfo(ErrorCodes.InternalError, "The model did not answer.", true));

        await _writer.WriteAsync([Turn(session, 0), failed], CancellationToken.None);

        // The user's message has neither action nor metadata; the AI's messages have both.
        Assert.Equal("1:ask_0:ai_ask,11:-:-,12:ask_1:ai_ask", await Db.ScalarAsync<string>(_db,
            "SELECT string_agg(concat_ws(':', seq, coalesce(action_id, '-'), coalesce(metadata->>'actionType', '-')), ',' ORDER BY seq) FROM messages WHERE session_id = @id", session));
        Assert.Equal($"0:-:-:-,1:client-1:{ErrorCodes.InternalError}:-", await Db.ScalarAsync<string>(_db,
            "SELECT string_agg(concat_ws(':', turn, coalesce(client_message_id, '-'), coalesce(error->>'code', '-'), coalesce(safety::text, '-')), ',' ORDER BY turn) FROM turns WHERE session_id = @id",
            session));
        Assert.Equal("0:-:\"Ada\":-,1:3:-:ask_1", await Db.ScalarAsync<string>(_db,
            "SELECT string_agg(concat_ws(':', ordinal, coalesce(old_value::text, '-'), coalesce(new_value::text, '-'), coalesce(source_action, '-')), ',' ORDER BY ordinal) FROM variable_changes WHERE session_id = @id",
            session));
        Assert.Equal(0, await Db.CountAsync(_db, "SELECT COUNT(*) FROM sessions WHERE id = @id AND (locale IS NOT NULL OR completed_at IS NOT NULL)", session));
    }

    [Fact]
    public async Task Flags_raised_in_one_batch_keep_their_evidence()
    {
        Guid high = Guid.NewGuid(), imminent = Guid.NewGuid();
        var raising = Flagged(imminent, 1, "imminent", "user-b") is var t
            ? t with { Summary = t.Summary with { Safety = t.Summary.Safety! with { Evidence = ["en.suicide.plan", "llm.crisis_signal"] } } }
            : t;
        await _writer.WriteAsync([Turn(imminent, 0, "user-b"), Flagged(high, 0, "high", "user-a"), raising], CancellationToken.None);

        const string Flag = """
            SELECT concat_ws(' ', seq, user_id, risk_level, severity, reason, array_to_string(evidence, ','), lexicon_version,
                             array_to_string(evidence_message_ids, ','))
            FROM session_flags WHERE session_id = @id
            """;
        Assert.Equal("2 user-a high 3 screen:suicide en.suicide.ideation en@1 ", await Db.ScalarAsync<string>(_db, Flag, high));
        Assert.Equal($"13 user-b imminent 4 screen:suicide en.suicide.plan,llm.crisis_signal en@1 {raising.Messages[0].MessageId}", await Db.ScalarAsync<string>(_db, Flag, imminent));
    }

    private static readonly DateTimeOffset Noon = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Turn N completes at 12:0N, so a session's timestamps tell which turn wrote them.</summary>
    private static TurnCompleted At(TurnCompleted turn) => turn with { CompletedAt = Noon.AddMinutes(turn.Turn) };

    /// <summary>version, status, the state's turn, last_seq, created_at, updated_at and completed_at (hours and minutes) of a session.</summary>
    private Task<string?> SessionAsync(Guid id) => Db.ScalarAsync<string>(_db, """
        SELECT concat_ws(' ', version, status, state->>'turn', last_seq, to_char(created_at AT TIME ZONE 'UTC', 'HH24:MI'),
                         to_char(updated_at AT TIME ZONE 'UTC', 'HH24:MI'), coalesce(to_char(completed_at AT TIME ZONE 'UTC', 'HH24:MI'), '-'))
        FROM sessions WHERE id = @id
        """, id);

    private Task<string?> MessagesAsync(Guid id) =>
        Db.ScalarAsync<string>(_db, "SELECT string_agg(seq || '=' || content, ',' ORDER BY seq) FROM messages WHERE session_id = @id", id);

    private Task<string?> ChangesAsync(Guid id) => Db.ScalarAsync<string>(_db,
        "SELECT string_agg(turn || ':' || ordinal || ':' || name || '=' || new_value::text, ',' ORDER BY turn, ordinal) FROM variable_changes WHERE session_id = @id", id);

    [Fact]
    public void Connection_failures_are_transient_and_constraint_violations_are_not()
    {
        Assert.True(DatabaseErrors.IsTransient(new NpgsqlException("connection refused", new System.Net.Sockets.SocketException())));
        Assert.True(DatabaseErrors.IsTransient(new TimeoutException()));
        Assert.False(DatabaseErrors.IsTransient(new InvalidOperationException("bug")));
        Assert.False(DatabaseErrors.IsTransient(new ErrorInfoException()));
    }

    private sealed class ErrorInfoException() : Exception(ErrorCodes.InternalError);
}
