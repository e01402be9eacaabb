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
    public void Connection_failures_are_transient_and_constraint_violations_are_not()
    {
        Assert.True(DatabaseErrors.IsTransient(new NpgsqlException("connection refused", new System.Net.Sockets.SocketException())));
        Assert.True(DatabaseErrors.IsTransient(new TimeoutException()));
        Assert.False(DatabaseErrors.IsTransient(new InvalidOperationException("bug")));
        Assert.False(DatabaseErrors.IsTransient(new ErrorInfoException()));
    }

    private sealed class ErrorInfoException() : Exception(ErrorCodes.InternalError);
}
