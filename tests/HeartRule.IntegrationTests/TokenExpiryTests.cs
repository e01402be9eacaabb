using System.Net.WebSockets;
using HeartRule.Protocol;

namespace HeartRule.IntegrationTests;

/// <summary>Sockets do not outlive their tokens: warned before, closed at expiry (4001), unless refreshed for the same user.</summary>
[Collection(SystemCollection.Name)]
public sealed class TokenExpiryTests(SystemFixture system)
{
    private static readonly TimeSpan ShortLife = TimeSpan.FromSeconds(7);

    private async Task<HeartRuleClient> ConnectAsync(string token, Func<CancellationToken, Task<string>>? refresh = null) =>
        await HeartRuleClient.ConnectAsync(system.GatewayWs(), token, keepAlive: SystemFixture.IdleTimeout / 4, refreshToken: refresh);

    private static async Task WaitClosedAsync(HeartRuleClient client)
    {
        // The frame channel ends when the socket closes; frames still arriving until then (pongs) are read past.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var _ in client.Frames.ReadAllAsync(timeout.Token))
        {
        }
    }

    [Fact]
    public async Task A_socket_is_warned_before_its_token_expires_and_closed_with_4001_when_it_has()
    {
        var token = TestTokens.Issue("expiry-plain", lifetime: ShortLife);
        await using var client = await ConnectAsync(token);
        var (sessionId, _) = await client.StartAsync("intake");

        var warning = await client.WaitForAsync<AuthExpiringFrame>(timeout: TimeSpan.FromSeconds(20));
        Assert.InRange(warning.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(-1), SystemFixture.TokenExpiryWarning + TimeSpan.FromSeconds(1));
        await WaitClosedAsync(client);

        Assert.Equal((WebSocketCloseStatus)4001, client.CloseStatus);
        Assert.Equal("token expired", client.CloseStatusDescription);
        Assert.True(DateTimeOffset.UtcNow >= warning.ExpiresAt);
        // The session itself is untouched: a new token picks it up.
        await using var again = await system.ConnectAsync("expiry-plain");
        await again.SendAsync(new SessionAttachFrame { RequestId = "back", SessionId = sessionId, LastSeq = 3 });
        await again.WaitForAsync<SessionAttachedFrame>(f => f.RequestId == "back");
    }

    [Fact]
    public async Task A_socket_that_refreshes_its_token_outlives_the_first_one()
    {
        var issuedAt = DateTime.UtcNow;
        await using var refreshing = await ConnectAsync(TestTokens.Issue("expiry-refresh", issuedAt, ShortLife),
            _ => Task.FromResult(TestTokens.Issue("expiry-refresh", lifetime: TimeSpan.FromHours(1))));
        // The same expiry without a refresh: its close is the moment the first token is dead.
        await using var witness = await ConnectAsync(TestTokens.Issue("expiry-witness", issuedAt, ShortLife));

        var refreshed = await refreshing.WaitForAsync<AuthRefreshedFrame>(timeout: TimeSpan.FromSeconds(20));
        Assert.True(refreshed.ExpiresAt > DateTimeOffset.UtcNow.AddMinutes(50));
        await WaitClosedAsync(witness);
        Assert.Equal((WebSocketCloseStatus)4001, witness.CloseStatus);

        await refreshing.SendAsync(new PingFrame());
        await refreshing.WaitForAsync<PongFrame>();
        var (_, first) = await refreshing.StartAsync("intake");
        Assert.Equal("waiting_input", first.Completed.ExecutionStatus);
        Assert.Equal(WebSocketState.Open, refreshing.State);
    }

    [Fact]
    public async Task A_refresh_with_another_users_or_an_invalid_token_is_refused_and_the_socket_still_expires()
    {
        await using var client = await ConnectAsync(TestTokens.Issue("expiry-victim", lifetime: ShortLife));

        await client.SendAsync(new AuthRefreshFrame { RequestId = "swap", Token = TestTokens.Issue("expiry-other", lifetime: TimeSpan.FromHours(1)) });
        Assert.Equal("FORBIDDEN", (await client.WaitForAsync<ErrorFrame>(e => e.RequestId == "swap")).Code);
        await client.SendAsync(new AuthRefreshFrame { RequestId = "junk", Token = "not.a.token" });
        Assert.Equal("UNAUTHORIZED", (await client.WaitForAsync<ErrorFrame>(e => e.RequestId == "junk")).Code);
        var expired = TestTokens.Issue("expiry-victim", DateTime.UtcNow.AddHours(-2), TimeSpan.FromHours(1));
        await client.SendAsync(new AuthRefreshFrame { RequestId = "old", Token = expired });
        var refused = await client.WaitForAsync<ErrorFrame>(e => e.RequestId == "old");
        Assert.Equal("UNAUTHORIZED", refused.Code);
        Assert.Contains("expired", refused.Message);

        await WaitClosedAsync(client);
        Assert.Equal((WebSocketCloseStatus)4001, client.CloseStatus);
    }
}
