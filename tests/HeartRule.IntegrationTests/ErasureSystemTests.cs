using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HeartRule.Infrastructure;
using HeartRule.Protocol;
using Npgsql;
using StackExchange.Redis;

namespace HeartRule.IntegrationTests;

/// <summary>Erasure through the real system: nothing of the session is left in PostgreSQL or Redis, and the trail says who.</summary>
[Collection(SystemCollection.Name)]
public sealed class ErasureSystemTests(SystemFixture system)
{
    private async Task<long> CountAsync(string sql, Guid sessionId)
    {
        await using var db = new NpgsqlConnection(await system.ConnectionStringAsync("heartrule"));
        await db.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, db);
        cmd.Parameters.AddWithValue("id", sessionId);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what}.");
            await Task.Delay(100);
        }
    }

    private async Task<Guid> ConversationAsync(string user)
    {
        Guid sessionId;
        await using (var client = await system.ConnectAsync(user))
        {
            (sessionId, _) = await client.StartAsync("intake");
            await client.SayAsync(sessionId, "Alex");
        }
        // Persistence writes turns from the bus: wait until both are stored.
        await WaitUntilAsync(async () => await CountAsync("SELECT COUNT(*) FROM turns WHERE session_id = @id", sessionId) == 2, "the turns stored");
        return sessionId;
    }

    [Fact]
    public async Task Erasing_a_session_leaves_nothing_in_postgres_or_redis_and_is_audited()
    {
        const string user = "erase-owner";
        var sessionId = await ConversationAsync(user);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await system.ConnectionStringAsync("redis"));
        var keys = SessionKeys.All(sessionId);
        Assert.True(await redis.GetDatabase().KeyExistsAsync(keys) >= 3);

        using var stranger = await system.ApiClientAsync("erase-stranger");
        using (var refused = await stranger.DeleteAsync($"/api/sessions/{sessionId}/data"))
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var owner = await system.ApiClientAsync(user);
        using (var erased = await owner.DeleteAsync($"/api/sessions/{sessionId}/data"))
            Assert.Equal(HttpStatusCode.NoContent, erased.StatusCode);

        foreach (var table in new[] { "messages", "turns", "variable_changes" })
            Assert.Equal(0, await CountAsync($"SELECT COUNT(*) FROM {table} WHERE session_id = @id", sessionId));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM sessions WHERE id = @id AND erased_at IS NOT NULL AND state = '{}'::jsonb AND variables = '{}'::jsonb", sessionId));
        // The Sessions service drops the Redis state when it hears of the erasure.
        await WaitUntilAsync(async () => await redis.GetDatabase().KeyExistsAsync(keys) == 0, "the Redis state dropped");

        // The session is gone for its owner, over HTTP and over the socket.
        using (var gone = await owner.GetAsync($"/api/sessions/{sessionId}"))
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        await using var late = await system.ConnectAsync(user);
        await late.SendAsync(new InputFrame { RequestId = "after-erase", SessionId = sessionId, ClientMessageId = "after-erase", Text = "hello?" });
        Assert.Equal("SESSION_NOT_FOUND", (await late.WaitForAsync<ErrorFrame>(e => e.RequestId == "after-erase")).Code);

        using var admin = await system.ApiClientAsync("erase-admin", Roles.Admin);
        var audit = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/audit?objectType=session&objectId={sessionId}");
        // Newest first: the erasure, then the creation; nothing of what was said.
        Assert.Equal([("session.erase", user), ("session.create", user)],
            audit.GetProperty("items").EnumerateArray().Select(e => (e.GetProperty("action").GetString(), e.GetProperty("actor").GetString())));
        Assert.DoesNotContain("Alex", audit.GetRawText());
    }

    [Fact]
    public async Task A_user_erases_all_their_data_and_an_admin_erases_another_users()
    {
        var mine = new[] { await ConversationAsync("erase-leaver"), await ConversationAsync("erase-leaver") };
        var theirs = await ConversationAsync("erase-subject");

        using var leaver = await system.ApiClientAsync("erase-leaver");
        var result = await (await leaver.DeleteAsync("/api/me/data")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, result.GetProperty("erasedSessions").GetInt32());
        foreach (var sessionId in mine)
            Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM messages WHERE session_id = @id", sessionId));
        Assert.True(await CountAsync("SELECT COUNT(*) FROM messages WHERE session_id = @id", theirs) > 0);

        using (var notAdmin = await leaver.DeleteAsync("/api/admin/users/erase-subject/data"))
            Assert.Equal(HttpStatusCode.Forbidden, notAdmin.StatusCode);
        using var admin = await system.ApiClientAsync("erase-admin-2", Roles.Admin);
        using (var byAdmin = await admin.DeleteAsync("/api/admin/users/erase-subject/data"))
            Assert.Equal(HttpStatusCode.OK, byAdmin.StatusCode);
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM messages WHERE session_id = @id", theirs));

        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/admin/audit?objectType=user&objectId=erase-subject");
        Assert.Equal("erase-admin-2", audit.GetProperty("items")[0].GetProperty("actor").GetString());
    }
}
