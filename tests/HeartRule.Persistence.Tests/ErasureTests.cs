using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HeartRule.Contracts;
using HeartRule.Infrastructure;
using HeartRule.Persistence.Erasure;
using HeartRule.Persistence.Tests.Fixtures;
using HeartRule.Persistence.Turns;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static HeartRule.Persistence.Tests.Fixtures.ProblemAssert;

namespace HeartRule.Persistence.Tests;

/// <summary>Erasure by the owner, of all of a user's data, by an admin, and by the retention job on a fake clock.</summary>
[Collection(ServersCollection.Name)]
public sealed class ErasureTests(Servers servers) : IAsyncLifetime
{
    private PersistenceHost _host = null!;
    private string _database = "";
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    public async Task InitializeAsync() => (_host, _database) = await servers.HostAsync("erasure");

    public Task DisposeAsync() => Task.CompletedTask;

    private string User(string name) => $"{name}-{_run}";

    /// <summary>A session of three turns with messages, variable changes and debug records.</summary>
    private static async Task<Guid> ConversationAsync(PersistenceHost host, string userId, string executionStatus = "completed")
    {
        var session = Guid.NewGuid();
        var writer = host.Get<TurnWriter>();
        await writer.WriteAsync(TestTurns.Turn(session, 0, userId: userId, changes: [TestTurns.Change("name", null, "Alex")]), CancellationToken.None);
        await writer.WriteAsync(TestTurns.Turn(session, 1, userId: userId, changes: [TestTurns.Change("mood", null, "low")]), CancellationToken.None);
        await writer.WriteAsync(TestTurns.Turn(session, 2, userId: userId, executionStatus: executionStatus), CancellationToken.None);
        return session;
    }

    private static async Task AssertErasedAsync(string database, Guid session)
    {
        foreach (var table in new[] { "messages", "turns", "variable_changes" })
            Assert.Equal(0, await Db.CountAsync(database, $"SELECT COUNT(*) FROM {table} WHERE session_id = @id", session));
        // The tombstone: ids, status and times, nothing of what was said.
        Assert.Equal(1, await Db.CountAsync(database, """
            SELECT COUNT(*) FROM sessions WHERE id = @id AND erased_at IS NOT NULL AND status = 'deleted'
              AND state = '{}'::jsonb AND variables = '{}'::jsonb AND position = '{}'::jsonb
            """, session));
    }

    private static async Task AssertIntactAsync(string database, Guid session)
    {
        Assert.True(await Db.CountAsync(database, "SELECT COUNT(*) FROM messages WHERE session_id = @id", session) > 0);
        Assert.Equal(0, await Db.CountAsync(database, "SELECT COUNT(*) FROM sessions WHERE id = @id AND erased_at IS NOT NULL", session));
    }

    [Fact]
    public async Task An_owner_erases_a_session_and_only_a_tombstone_and_an_audit_entry_remain()
    {
        var session = await ConversationAsync(_host, User("owner"));
        var other = await ConversationAsync(_host, User("owner"));
        var erased = new TaskCompletionSource<Guid>(TaskCreationOptions.RunContinuationsAsynchronously);
        var bus = _host.Get<IBus>();
        var handle = bus.ConnectReceiveEndpoint("erased-" + _run, e => e.Handler<SessionErased>(c =>
        {
            if (c.Message.SessionId == session) erased.TrySetResult(c.Message.SessionId);
            return Task.CompletedTask;
        }));
        await handle.Ready;

        await IsProblemAsync(await _host.Client(User("stranger")).DeleteAsync($"/api/sessions/{session}/data"), ErrorCodes.Forbidden);
        await IsProblemAsync(await _host.Client(User("owner")).DeleteAsync($"/api/sessions/{Guid.NewGuid()}/data"), ErrorCodes.SessionNotFound);
        await AssertIntactAsync(_database, session);

        Assert.Equal(HttpStatusCode.NoContent, (await _host.Client(User("owner")).DeleteAsync($"/api/sessions/{session}/data")).StatusCode);

        await AssertErasedAsync(_database, session);
        await AssertIntactAsync(_database, other);
        Assert.Equal(session, await erased.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        await IsProblemAsync(await _host.Client(User("owner")).GetAsync($"/api/sessions/{session}/messages"), ErrorCodes.SessionNotFound);
        // Erasing again is harmless.
        Assert.Equal(HttpStatusCode.NoContent, (await _host.Client(User("owner")).DeleteAsync($"/api/sessions/{session}/data")).StatusCode);
        var audit = await JsonAsync(await _host.Client(User("admin"), Roles.Admin).GetAsync($"/api/admin/audit?objectType=session&objectId={session}&action=session.erase"));
        var entry = audit.GetProperty("items")[1];
        Assert.Equal(User("owner"), entry.GetProperty("actor").GetString());
        Assert.Equal(3, entry.GetProperty("details").GetProperty("turns").GetInt32());
        await handle.StopAsync();
    }

    [Fact]
    public async Task A_user_erases_all_their_data_and_an_admin_erases_anyones()
    {
        var mine = new[] { await ConversationAsync(_host, User("leaver")), await ConversationAsync(_host, User("leaver"), "waiting_input") };
        // A session already deleted (hidden) is erased too.
        Assert.True(await _host.Get<HeartRule.Persistence.Sessions.SessionStore>().DeleteAsync(mine[0], CancellationToken.None));
        var theirs = await ConversationAsync(_host, User("subject"));
        var bystander = await ConversationAsync(_host, User("bystander"));

        var me = await JsonAsync(await _host.Client(User("leaver")).DeleteAsync("/api/me/data"));
        Assert.Equal(2, me.GetProperty("erasedSessions").GetInt32());
        foreach (var session in mine) await AssertErasedAsync(_database, session);

        await IsProblemAsync(await _host.Client(User("author"), Roles.Author).DeleteAsync($"/api/admin/users/{User("subject")}/data"), ErrorCodes.Forbidden);
        await AssertIntactAsync(_database, theirs);
        var byAdmin = await JsonAsync(await _host.Client(User("admin"), Roles.Admin).DeleteAsync($"/api/admin/users/{User("subject")}/data"));
        Assert.Equal(1, byAdmin.GetProperty("erasedSessions").GetInt32());
        await AssertErasedAsync(_database, theirs);
        await AssertIntactAsync(_database, bystander);

        var audit = await JsonAsync(await _host.Client(User("admin"), Roles.Admin).GetAsync($"/api/admin/audit?objectType=user&objectId={User("subject")}"));
        var entry = Assert.Single(audit.GetProperty("items").EnumerateArray());
        Assert.Equal(("user.erase", User("admin")), (entry.GetProperty("action").GetString(), entry.GetProperty("actor").GetString()));
    }

    [Fact]
    public async Task The_retention_job_erases_finished_sessions_past_the_retention_period_on_its_clock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var database = await servers.CreateDatabaseAsync("retention");
        await using var host = await PersistenceHost.StartAsync(database, servers.MessagingConnectionString,
            new Dictionary<string, string> { ["Erasure:RetentionDays"] = "30", ["Erasure:SweepInterval"] = "01:00:00" },
            configure: b => b.Services.AddSingleton<TimeProvider>(clock));
        var job = host.Get<RetentionJob>();
        var finished = await ConversationAsync(host, User("finished"));
        var active = await ConversationAsync(host, User("active"), "waiting_input");

        async Task<SweepResult> AdvanceAsync(TimeSpan by)
        {
            var swept = new TaskCompletionSource<SweepResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            void OnSwept(SweepResult r) => swept.TrySetResult(r);
            job.Swept += OnSwept;
            try
            {
                clock.Advance(by);
                return await swept.Task.WaitAsync(TimeSpan.FromSeconds(30));
            }
            finally
            {
                job.Swept -= OnSwept;
            }
        }

        var early = await AdvanceAsync(TimeSpan.FromDays(29));
        Assert.Equal(0, early.Expired);
        await AssertIntactAsync(database, finished);

        var due = await AdvanceAsync(TimeSpan.FromDays(2));
        Assert.Equal(1, due.Expired);
        await AssertErasedAsync(database, finished);
        // Still running: retention counts from the end of a session.
        await AssertIntactAsync(database, active);
        Assert.Equal(1, await Db.CountAsync(database, "SELECT COUNT(*) FROM audit_log WHERE action = 'session.erase' AND actor = 'heartrule:retention' AND object_id = @id", finished.ToString()));
    }

    [Fact]
    public async Task A_late_turn_written_after_the_erasure_is_erased_by_the_next_sweep()
    {
        var session = await ConversationAsync(_host, User("late"));
        Assert.Equal(HttpStatusCode.NoContent, (await _host.Client(User("late")).DeleteAsync($"/api/sessions/{session}/data")).StatusCode);
        // A turn that was in flight: the writer stores its rows, though the session row stays a tombstone.
        await _host.Get<TurnWriter>().WriteAsync(TestTurns.Turn(session, 3, userId: User("late")), CancellationToken.None);
        Assert.True(await Db.CountAsync(_database, "SELECT COUNT(*) FROM messages WHERE session_id = @id", session) > 0);

        var result = await _host.Get<RetentionJob>().SweepAsync(CancellationToken.None);

        Assert.True(result.LateWrites >= 1);
        await AssertErasedAsync(_database, session);
    }
}
