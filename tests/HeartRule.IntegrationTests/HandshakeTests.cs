using System.Net;
using System.Net.WebSockets;
using HeartRule.Protocol;

namespace HeartRule.IntegrationTests;

/// <summary>Who may open a socket: decided before the upgrade, with an HTTP status and no socket.</summary>
[Collection(SystemCollection.Name)]
public sealed class HandshakeTests(SystemFixture system)
{
    private async Task<HttpStatusCode> HandshakeAsync(string? token, string? origin = null, string? queryToken = null, string subProtocol = ProtocolJson.SubProtocol)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.AddSubProtocol(subProtocol);
        if (token is not null) socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        if (origin is not null) socket.Options.SetRequestHeader("Origin", origin);
        var uri = queryToken is null ? system.GatewayWs() : new Uri($"{system.GatewayWs()}?access_token={queryToken}");
        try
        {
            await socket.ConnectAsync(uri, CancellationToken.None);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            return HttpStatusCode.SwitchingProtocols;
        }
        catch (WebSocketException)
        {
            return socket.HttpStatusCode;
        }
    }

    [Fact]
    public async Task A_valid_token_in_the_header_or_the_query_opens_a_socket()
    {
        var token = await system.TokenAsync("hs-valid");
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await HandshakeAsync(token));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await HandshakeAsync(null, queryToken: token));
    }

    [Fact]
    public async Task No_token_gets_401() => Assert.Equal(HttpStatusCode.Unauthorized, await HandshakeAsync(null));

    [Fact]
    public async Task A_token_with_a_bad_signature_gets_401()
    {
        var token = await system.TokenAsync("hs-forged");
        var forged = token[..^4] + (token[^4..] == "AAAA" ? "BBBB" : "AAAA");
        Assert.Equal(HttpStatusCode.Unauthorized, await HandshakeAsync(forged));
    }

    [Fact]
    public async Task An_expired_token_gets_401()
    {
        var expired = TestTokens.Issue("hs-expired", notBefore: DateTime.UtcNow.AddHours(-3), lifetime: TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.Unauthorized, await HandshakeAsync(expired));
        // The same issuer and key, still valid: proves it is the lifetime that was refused.
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await HandshakeAsync(TestTokens.Issue("hs-expired")));
    }

    [Fact]
    public async Task A_foreign_origin_gets_403_and_an_allowed_one_gets_in()
    {
        var token = await system.TokenAsync("hs-origin");
        Assert.Equal(HttpStatusCode.Forbidden, await HandshakeAsync(token, origin: "https://evil.example.com"));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await HandshakeAsync(token, origin: "https://studio.heartrule.test"));
    }

    [Fact]
    public async Task The_subprotocol_is_required() =>
        Assert.Equal(HttpStatusCode.BadRequest, await HandshakeAsync(await system.TokenAsync("hs-proto"), subProtocol: "chat.v0"));

    [Fact]
    public async Task Connections_per_user_are_capped()
    {
        var token = await system.TokenAsync("hs-cap");
        var open = new List<HeartRuleClient>();
        try
        {
            for (var i = 0; i < SystemFixture.MaxConnectionsPerUser; i++)
                open.Add(await HeartRuleClient.ConnectAsync(system.GatewayWs(), token));
            Assert.Equal(HttpStatusCode.TooManyRequests, await HandshakeAsync(token));
        }
        finally
        {
            foreach (var client in open) await client.DisposeAsync();
        }
    }
}
