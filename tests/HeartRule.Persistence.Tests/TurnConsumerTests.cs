using HeartRule.Contracts;
using HeartRule.Persistence.Tests.Fixtures;
using MassTransit;
using static HeartRule.Persistence.Tests.Fixtures.TestTurns;

namespace HeartRule.Persistence.Tests;

/// <summary>
/// Turns arriving over RabbitMQ, as the Sessions service sends them: redeliveries, a poison turn in a batch,
/// and PostgreSQL stopped mid-conversation (with and without the Persistence service restarting meanwhile).
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class TurnConsumerTests(Servers servers) : IAsyncLifetime
{
    private IBusControl _bus = null!;

    public async Task InitializeAsync()
    {
        _bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(new Uri(servers.MessagingConnectionString)));
        await _bus.StartAsync();
    }

    public Task DisposeAsync() => _bus.StopAsync();

    private async Task SendAsync(PersistenceHost host, IEnumerable<TurnCompleted> turns) => await SendAsync(host.Queue, turns);

    private async Task SendAsync(string queue, IEnumerable<TurnCompleted> turns)
    {
        var endpoint = await _bus.GetSendEndpoint(new Uri($"queue:{queue}"));
        foreach (var turn in turns) await endpoint.Send(turn);
    }

    private static async Task WaitForAsync(string db, string countSql, long expected, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        long count;
        while ((count = await TryCountAsync(db, countSql)) < expected && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Equal(expected, count);
    }

    private static async Task<long> TryCountAsync(string db, string sql)
    {
        try
        {
            return await Db.CountAsync(db, sql);
        }
        catch (Npgsql.NpgsqlException)
        {
            return -1; // the server is still starting
        }
    }

    [Fact]
    public async Task A_redelivered_turn_changes_nothing()
    {
        var (host, db) = await servers.HostAsync("consumer");
        var session = Guid.NewGuid();
        var turn = Turn(session, 1, changes: [Change("mood", null, 5)]);
        await SendAsync(host, [Turn(session, 0), turn]);
        await WaitForAsync(db, $"SELECT COUNT(*) FROM turns WHERE session_id = '{session}'", 2);
        var updatedAt = await Db.ScalarAsync<DateTime>(db, "SELECT updated_at FROM sessions WHERE id = @id", session);

        // The same event again (a redelivery after a lost ack), then a marker to know the queue got that far.
        var marker = Guid.NewGuid();
        await SendAsync(host, [turn, turn, Turn(marker, 0)]);
        await WaitForAsync(db, $"SELECT COUNT(*) FROM sessions WHERE id = '{marker}'", 1);
        await Task.Delay(500);

        Assert.Equal(2, await Db.CountAsync(db, "SELECT COUNT(*) FROM turns WHERE session_id = @id", session));
        Assert.Equal(3, await Db.CountAsync(db, "SELECT COUNT(*) FROM messages WHERE session_id = @id", session));
        Assert.Equal(1, await Db.CountAsync(db, "SELECT COUNT(*) FROM variable_changes WHERE session_id = @id", session));
        Assert.Equal(updatedAt, await Db.ScalarAsync<DateTime>(db, "SELECT updated_at FROM sessions WHERE id = @id", session));
    }

    [Fact]
    public async Task A_turn_that_can_never_be_stored_does_not_hold_back_the_others()
    {
        var (host, db) = await servers.HostAsync("consumer");
        var good1 = Guid.NewGuid();
        var bad = Guid.NewGuid();
        var good2 = Guid.NewGuid();

        await SendAsync(host, [Turn(good1, 0), Turn(bad, 1, role: "robot"), Turn(good2, 0)]);

        await WaitForAsync(db, $"SELECT COUNT(*) FROM sessions WHERE id IN ('{good1}', '{good2}')", 2);
        Assert.Equal(0, await Db.CountAsync(db, "SELECT COUNT(*) FROM messages WHERE session_id = @id", bad));
    }

    [Fact]
    public async Task Turns_sent_while_the_database_is_down_are_all_stored_once_when_it_returns()
    {
        var (host, db) = await servers.HostAsync("outage");
        var sessions = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToList();
        var inList = string.Join(",", sessions.Select(s => $"'{s}'"));
        await SendAsync(host, sessions.SelectMany(s => Enumerable.Range(0, 4).Select(t => Turn(s, t))));
        await WaitForAsync(db, $"SELECT COUNT(*) FROM turns WHERE session_id IN ({inList})", 20);

        await servers.StopPostgresAsync();
        try
        {
            // Mid-conversation: new turns, and redeliveries of turns already stored, while nothing can be written.
            await SendAsync(host, sessions.SelectMany(s => Enumerable.Range(4, 6).Select(t => Turn(s, t))));
            await SendAsync(host, sessions.Select(s => Turn(s, 3)));
            await Task.Delay(TimeSpan.FromSeconds(3));
        }
        finally
        {
            await servers.StartPostgresAsync();
        }

        await WaitForAsync(db, $"SELECT COUNT(*) FROM turns WHERE session_id IN ({inList})", 50);
        await Task.Delay(500);
        Assert.Equal(50, await Db.CountAsync(db, $"SELECT COUNT(*) FROM turns WHERE session_id IN ({inList})"));
        // Per session: one AI message in turn 0, then the user's answer and one AI message in each of turns 1..9.
        Assert.Equal(5 * (1 + 9 * 2), await Db.CountAsync(db, $"SELECT COUNT(*) FROM messages WHERE session_id IN ({inList})"));
        Assert.Equal(5, await Db.CountAsync(db, $"SELECT COUNT(*) FROM sessions WHERE id IN ({inList}) AND version = 10 AND (state->>'turn')::int = 9"));
    }

    [Fact]
    public async Task Turns_wait_on_the_broker_while_both_the_database_and_the_service_restart()
    {
        var database = await servers.CreateDatabaseAsync("restart");
        var first = await PersistenceHost.StartAsync(database, servers.MessagingConnectionString);
        var queue = first.Queue;
        var session = Guid.NewGuid();
        await SendAsync(queue, [Turn(session, 0)]);
        await WaitForAsync(database, $"SELECT COUNT(*) FROM turns WHERE session_id = '{session}'", 1);

        PersistenceHost? second = null;
        await servers.StopPostgresAsync();
        try
        {
            await SendAsync(queue, Enumerable.Range(1, 8).Select(t => Turn(session, t)));
            await Task.Delay(TimeSpan.FromSeconds(1));
            // The service stops while it holds those turns unacknowledged, waiting for the database.
            await first.DisposeAsync();
        }
        finally
        {
            await servers.StartPostgresAsync();
        }
        try
        {
            second = await PersistenceHost.StartAsync(database, servers.MessagingConnectionString, queue: queue);
            await WaitForAsync(database, $"SELECT COUNT(*) FROM turns WHERE session_id = '{session}'", 9);
            Assert.Equal(1 + 8 * 2, await Db.CountAsync(database, "SELECT COUNT(*) FROM messages WHERE session_id = @id", session));
            Assert.Equal(9, await Db.ScalarAsync<long>(database, "SELECT version FROM sessions WHERE id = @id", session));
        }
        finally
        {
            if (second is not null) await second.DisposeAsync();
        }
    }
}
