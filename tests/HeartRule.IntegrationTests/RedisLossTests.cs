using System.Net.Http.Json;
using System.Text.Json;
using HeartRule.Infrastructure;
using HeartRule.Protocol;
using StackExchange.Redis;

namespace HeartRule.IntegrationTests;

/// <summary>Redis is a cache of the session's state: losing a record costs a reload from PostgreSQL, not the session.</summary>
[Collection(SystemCollection.Name)]
public sealed class RedisLossTests(SystemFixture system)
{
    [Fact]
    public async Task A_session_whose_redis_record_was_lost_goes_on_from_the_database()
    {
        await using var client = await system.ConnectAsync("redis-loss");
        var (sessionId, first) = await client.StartAsync("intake");
        await system.WaitUntilStoredAsync(sessionId, turns: 1);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await system.ConnectionStringAsync("redis"));
        Assert.True(await redis.GetDatabase().KeyDeleteAsync($"hr:session:{sessionId}"));

        var second = await client.SayAsync(sessionId, "Alex");

        Assert.Equal(["Nice to meet you, Alex. What brings you here today?"], second.AiTexts);
        Assert.Equal(first.Completed.Seq + 1, second.Messages[0].Seq);
        Assert.True(await redis.GetDatabase().KeyExistsAsync($"hr:session:{sessionId}"));
    }

    [Fact]
    public async Task A_retry_of_a_processed_input_after_redis_lost_the_session_is_not_run_again()
    {
        await using var client = await system.ConnectAsync("redis-loss-retry");
        var (sessionId, _) = await client.StartAsync("intake");
        var answered = await client.SayAsync(sessionId, "Alex", clientMessageId: "alex-1");
        await system.WaitUntilStoredAsync(sessionId, turns: 2);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await system.ConnectionStringAsync("redis"));
        // Everything Redis held for the session is gone: record, input numbering, owner, event log, routes.
        // (All of them but hr:debug: the session is not debugged.)
        Assert.Equal(SessionKeys.All(sessionId).Length - 1, await redis.GetDatabase().KeyDeleteAsync(SessionKeys.All(sessionId)));

        // The client never saw its ack (say), and sends the same input again.
        await client.SendAsync(new InputFrame { RequestId = "retry", SessionId = sessionId, ClientMessageId = "alex-1", Text = "Alex" });
        await client.WaitForAsync<AckFrame>(a => a.RequestId == "retry");
        var next = await client.SayAsync(sessionId, "I have been sleeping badly.");

        // Known from the stored turns, the retry ran nothing: the next input is the next turn, right after the first answer.
        Assert.Equal(answered.Completed.Seq + 1, next.Messages[0].Seq);
        Assert.Equal(["I have been sleeping badly."], next.Messages.Where(m => m.Role == "user").Select(m => m.Content));
        await system.WaitUntilStoredAsync(sessionId, turns: 3);
    }

    [Fact]
    public async Task A_held_session_whose_redis_record_was_lost_keeps_its_position_and_variables()
    {
        await using var client = await system.ConnectAsync("redis-loss-held");
        var (sessionId, _) = await client.StartAsync("intake");
        await client.SayAsync(sessionId, "Alex");
        var crisis = await client.SayAsync(sessionId, "I want to die");
        // A counsellor may watch a session once its flag is stored.
        await system.WaitUntilStoredAsync(sessionId, turns: 3);
        await using var counsellor = await system.ConnectAsync("redis-loss-holder", roles: [Roles.Counsellor]);
        await counsellor.AttachAsync(sessionId, lastSeq: crisis.Completed.Seq);
        await counsellor.SendAsync(new CounsellorTakeFrame { RequestId = "take", SessionId = sessionId, ClientMessageId = "take-1" });
        await counsellor.ReadTurnAsync();
        await client.ReadTurnAsync();
        await system.WaitUntilStoredAsync(sessionId, turns: 4);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await system.ConnectionStringAsync("redis"));
        Assert.True(await redis.GetDatabase().KeyDeleteAsync($"hr:session:{sessionId}"));

        // Held: the counsellor answers, the engine does not run; the script stays where the crisis left it.
        var held = await client.SayAsync(sessionId, "I'm at home.");

        Assert.Equal(["user"], held.Messages.Select(m => m.Role));
        Assert.Equal(crisis.Completed.Position.GetRawText(), held.Completed.Position.GetRawText());
        await system.WaitUntilStoredAsync(sessionId, turns: 5);
        using var api = await system.ApiClientAsync("redis-loss-held");
        var stored = await api.GetFromJsonAsync<JsonElement>($"/api/sessions/{sessionId}");
        Assert.Equal(["Alex"], stored.GetProperty("variables").EnumerateObject()
            .Select(scope => scope.Value.TryGetProperty("client_name", out var name) ? name.GetString() : null).OfType<string>());
    }

    /// <summary>
    /// Turns reach the gateway nodes over Redis pub/sub, which keeps nothing for a node while its subscription is down:
    /// each node subscribes again and catches its sockets up from the event log, and a socket that stayed open goes on.
    /// </summary>
    [Fact]
    public async Task After_a_redis_restart_every_gateway_node_subscribes_again_and_an_open_socket_goes_on()
    {
        await using var client = await system.ConnectAsync("redis-restart");
        var (sessionId, first) = await client.StartAsync("intake");
        await system.WaitUntilStoredAsync(sessionId, turns: 1);
        int CatchUps(int node) => system.Instances.Logs("gateway", node).Count(l => l.Contains("catching up", StringComparison.Ordinal));
        var before = new[] { CatchUps(0), CatchUps(1) };

        await system.Instances.StopAsync("redis");
        await system.Instances.StartAsync("redis");
        await system.Instances.WaitUntilAsync(() => CatchUps(0) > before[0] && CatchUps(1) > before[1], TimeSpan.FromSeconds(60),
            "both gateway nodes to be subscribed again and catch their sockets up");

        var second = await client.SayAsync(sessionId, "Alex");
        Assert.Equal(["Nice to meet you, Alex. What brings you here today?"], second.AiTexts);
        Assert.Equal(first.Completed.Seq + 1, second.Messages[0].Seq);
    }

    [Fact]
    public async Task Every_redis_key_of_a_session_expires_when_the_session_idles()
    {
        await using var client = await system.ConnectAsync("redis-ttl");
        var (sessionId, _) = await client.StartAsync("intake");
        await client.SayAsync(sessionId, "Alex");
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await system.ConnectionStringAsync("redis"));
        var db = redis.GetDatabase();

        var ttls = new Dictionary<string, TimeSpan?>();
        foreach (var key in HeartRule.Infrastructure.SessionKeys.All(sessionId))
        {
            if (await db.KeyExistsAsync(key)) ttls[key.ToString()] = await db.KeyTimeToLiveAsync(key);
        }

        Assert.Equal(["hr:events", "hr:inputlast", "hr:inputseq", "hr:owner", "hr:routes", "hr:session"],
            ttls.Keys.Select(k => k[..k.LastIndexOf(':')]).Order(StringComparer.Ordinal));
        Assert.All(ttls, kv => Assert.True(kv.Value is { } ttl && ttl > TimeSpan.Zero && ttl <= TimeSpan.FromDays(8), $"{kv.Key}: {kv.Value}"));
        Assert.InRange(ttls[$"hr:session:{sessionId}"]!.Value, TimeSpan.FromDays(6.9), TimeSpan.FromDays(7));
    }
}
