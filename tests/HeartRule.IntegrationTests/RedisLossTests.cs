using HeartRule.Protocol;
using Npgsql;
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
        await using (var db = new NpgsqlConnection(await system.ConnectionStringAsync("heartrule")))
        {
            await db.OpenAsync();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                await using var cmd = new NpgsqlCommand("SELECT COUNT(*) FROM turns WHERE session_id = @id", db);
                cmd.Parameters.AddWithValue("id", sessionId);
                if (Convert.ToInt64(await cmd.ExecuteScalarAsync()) == 1) break;
                if (DateTime.UtcNow > deadline) throw new TimeoutException("The first turn was not stored.");
                await Task.Delay(100);
            }
        }
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await system.ConnectionStringAsync("redis"));
        Assert.True(await redis.GetDatabase().KeyDeleteAsync($"hr:session:{sessionId}"));

        var second = await client.SayAsync(sessionId, "Alex");

        Assert.Equal(["Nice to meet you, Alex. What brings you here today?"], second.AiTexts);
        Assert.Equal(first.Completed.Seq + 1, second.Messages[0].Seq);
        Assert.True(await redis.GetDatabase().KeyExistsAsync($"hr:session:{sessionId}"));
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
