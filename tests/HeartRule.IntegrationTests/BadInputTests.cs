using System.Net.WebSockets;
using System.Text;
using HeartRule.Protocol;

namespace HeartRule.IntegrationTests;

/// <summary>Every kind of bad input gets a precise answer, and only abuse costs the connection.</summary>
[Collection(SystemCollection.Name)]
public sealed class BadInputTests(SystemFixture system)
{
    private static async Task<ErrorFrame> SendRawAsync(HeartRuleClient client, string text)
    {
        await client.SendRawAsync(Encoding.UTF8.GetBytes(text));
        return await client.WaitForAsync<ErrorFrame>();
    }

    /// <summary>The connection still works: a ping is answered.</summary>
    private static async Task AssertAliveAsync(HeartRuleClient client)
    {
        await client.SendAsync(new PingFrame());
        await client.WaitForAsync<PongFrame>(timeout: TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData("{\"type\":\"input\",", "INVALID_FRAME")]
    [InlineData("{\"type\":\"dance\"}", "UNKNOWN_TYPE")]
    [InlineData("{\"type\":\"input\",\"requestId\":\"r1\",\"sessionId\":\"00000000-0000-0000-0000-000000000001\",\"text\":\"x\"}", "INVALID_FRAME")]
    [InlineData("{\"type\":\"session.attach\",\"requestId\":\"r1\",\"sessionId\":\"00000000-0000-0000-0000-000000000001\",\"lastSeq\":\"ten\"}", "INVALID_FRAME")]
    [InlineData("{\"type\":\"session.start\",\"requestId\":\"r1\",\"scriptId\":42}", "INVALID_FRAME")]
    [InlineData("{\"type\":\"ack\",\"requestId\":\"r1\",\"clientMessageId\":\"c\"}", "UNKNOWN_TYPE")]
    public async Task Malformed_frames_get_an_error_and_keep_the_connection(string frame, string code)
    {
        await using var client = await system.ConnectAsync("bad-" + Guid.NewGuid().ToString("N")[..8]);
        var error = await SendRawAsync(client, frame);
        Assert.Equal(code, error.Code);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        Assert.False(error.Retryable);
        await AssertAliveAsync(client);
    }

    [Fact]
    public async Task Binary_frames_get_an_error()
    {
        await using var client = await system.ConnectAsync("bad-binary");
        await client.SendRawAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary);
        var error = await client.WaitForAsync<ErrorFrame>();
        Assert.Equal("INVALID_FRAME", error.Code);
        Assert.Contains("Binary", error.Message);
        await AssertAliveAsync(client);
    }

    [Fact]
    public async Task A_frame_over_1_MiB_closes_the_socket_with_1009()
    {
        await using var client = await system.ConnectAsync("bad-big");
        var text = new string('x', 1024 * 1024);
        await client.SendRawAsync(Encoding.UTF8.GetBytes($"{{\"type\":\"input\",\"text\":\"{text}\"}}"));
        await DrainUntilClosedAsync(client);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, client.CloseStatus);
    }

    [Fact]
    public async Task A_frame_of_just_under_1_MiB_is_read()
    {
        await using var client = await system.ConnectAsync("bad-almost-big");
        var padding = new string('x', 1024 * 1024 - 100);
        var error = await SendRawAsync(client, $"{{\"type\":\"nope\",\"pad\":\"{padding}\"}}");
        Assert.Equal("UNKNOWN_TYPE", error.Code);
    }

    [Fact]
    public async Task Unknown_and_foreign_sessions_are_refused()
    {
        await using var owner = await system.ConnectAsync("bad-owner");
        var (sessionId, _) = await owner.StartAsync("intake");

        await using var intruder = await system.ConnectAsync("bad-intruder", node: 1);
        await intruder.SendAsync(new InputFrame { RequestId = "i1", SessionId = sessionId, ClientMessageId = "x1", Text = "hi" });
        var forbidden = await intruder.WaitForAsync<ErrorFrame>();
        Assert.Equal(("FORBIDDEN", "i1"), (forbidden.Code, forbidden.RequestId));

        await intruder.SendAsync(new SessionAttachFrame { RequestId = "a1", SessionId = sessionId });
        Assert.Equal("FORBIDDEN", (await intruder.WaitForAsync<ErrorFrame>()).Code);

        await intruder.SendAsync(new SessionAttachFrame { RequestId = "a2", SessionId = Guid.NewGuid() });
        var missing = await intruder.WaitForAsync<ErrorFrame>();
        Assert.Equal(("SESSION_NOT_FOUND", "a2"), (missing.Code, missing.RequestId));

        // The owner's conversation went on untouched: nothing the intruder sent reached it.
        var turn = await owner.SayAsync(sessionId, "Alex");
        Assert.Equal("Alex", turn.Messages[0].Content);
        Assert.Equal(4, turn.Messages[0].Seq);
    }

    [Fact]
    public async Task A_flood_is_rate_limited_then_closed_with_1008()
    {
        await using var client = await system.ConnectAsync("bad-flood");
        var limited = false;
        for (var i = 0; i < 400 && client.State == WebSocketState.Open; i++)
        {
            try
            {
                await client.SendAsync(new PingFrame());
            }
            catch (WebSocketException)
            {
                break;
            }
        }
        while (true)
        {
            Frame frame;
            try
            {
                frame = await client.NextAsync(TimeSpan.FromSeconds(10));
            }
            catch (WebSocketException)
            {
                break;
            }
            if (frame is ErrorFrame { Code: "RATE_LIMITED" } error)
            {
                limited = true;
                Assert.True(error.Retryable);
            }
        }
        Assert.True(limited, "no RATE_LIMITED error before the close");
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, client.CloseStatus);
    }

    [Fact]
    public async Task A_user_cannot_escape_the_rate_limit_by_opening_more_sockets()
    {
        // Each socket stays inside its own burst (40); together they exceed the user's (100).
        var sockets = new List<HeartRuleClient>();
        for (var i = 0; i < 3; i++) sockets.Add(await system.ConnectAsync("bad-many-sockets", silent: true));
        try
        {
            await Task.WhenAll(sockets.Select(async socket =>
            {
                for (var i = 0; i < 39; i++) await socket.SendAsync(new PingFrame());
            }));
            var limited = 0;
            foreach (var socket in sockets)
            {
                for (var i = 0; i < 39; i++)
                {
                    if (await socket.NextAsync() is ErrorFrame { Code: "RATE_LIMITED" }) limited++;
                }
            }
            Assert.InRange(limited, 1, 39);
            Assert.All(sockets, s => Assert.Equal(WebSocketState.Open, s.State));
        }
        finally
        {
            foreach (var socket in sockets) await socket.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_silent_socket_is_closed_after_the_idle_timeout_and_pings_keep_one_open()
    {
        await using var silent = await system.ConnectAsync("bad-idle", silent: true);
        await using var pinging = await system.ConnectAsync("bad-pinging", silent: true);
        var until = DateTime.UtcNow + SystemFixture.IdleTimeout * 2.5;
        while (DateTime.UtcNow < until)
        {
            await pinging.SendAsync(new PingFrame());
            await pinging.WaitForAsync<PongFrame>();
            await Task.Delay(SystemFixture.IdleTimeout / 3);
        }
        await DrainUntilClosedAsync(silent);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, silent.CloseStatus);
        Assert.Equal(WebSocketState.Open, pinging.State);
    }

    private static async Task DrainUntilClosedAsync(HeartRuleClient client)
    {
        try
        {
            while (true) await client.NextAsync(TimeSpan.FromSeconds(30));
        }
        catch (WebSocketException)
        {
            // Closed, as expected.
        }
    }
}
