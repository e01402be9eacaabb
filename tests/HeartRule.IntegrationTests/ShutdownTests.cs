using System.Net.WebSockets;
using HeartRule.Protocol;
using StackExchange.Redis;

namespace HeartRule.IntegrationTests;

[Collection(SystemCollection.Name)]
public sealed class ShutdownTests(SystemFixture system)
{
    [Fact]
    public async Task A_stopping_node_closes_its_sockets_with_1012_and_leaves_the_connection_map()
    {
        await using var client = await system.ConnectAsync("sd-user", node: 1);
        var (sessionId, _) = await client.StartAsync("intake");
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await system.ConnectionStringAsync("redis"));
        var routes = (RedisKey)$"hr:routes:{sessionId}";
        Assert.Equal(1, await redis.GetDatabase().HashLengthAsync(routes));

        await system.Instances.StopAsync("gateway", 1);
        try
        {
            while (true) await client.NextAsync(TimeSpan.FromSeconds(30));
        }
        catch (WebSocketException)
        {
        }
        Assert.Equal((WebSocketCloseStatus)1012, client.CloseStatus);
        Assert.Equal(0, await redis.GetDatabase().HashLengthAsync(routes));

        // Reconnect to the other node and carry on, as a client told "service restart" does.
        await using var moved = await system.ConnectAsync("sd-user", node: 0);
        await moved.SendAsync(new SessionAttachFrame { RequestId = "a1", SessionId = sessionId, LastSeq = 3 });
        await moved.WaitForAsync<SessionAttachedFrame>();
        var turn = await moved.SayAsync(sessionId, "Alex");
        Assert.Equal(4, turn.Messages[0].Seq);

        await system.Instances.StartAsync("gateway", 1);
    }
}
