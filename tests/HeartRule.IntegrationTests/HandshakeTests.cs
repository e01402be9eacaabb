using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
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

    [Fact]
    public async Task Plain_http_on_the_gateway_port_still_reaches_the_pages_health_and_api()
    {
        using var http = new HttpClient { BaseAddress = system.GatewayHttp() };
        using (var health = await http.GetAsync("/health")) Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using (var page = await http.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        }
        using var api = new HttpRequestMessage(HttpMethod.Get, "/api/scripts");
        api.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await system.TokenAsync("hs-http"));
        using (var scripts = await http.SendAsync(api)) Assert.Equal(HttpStatusCode.OK, scripts.StatusCode);
        // /ws after other requests on a kept-alive connection is judged as on a connection of its own.
        using (var reused = await http.GetAsync("/ws")) Assert.Equal(HttpStatusCode.UpgradeRequired, reused.StatusCode);
    }

    [Fact]
    public async Task A_handshake_after_other_requests_on_a_kept_alive_connection_opens_a_socket_as_a_proxy_sends_it()
    {
        // As ingress-nginx does with upstream keep-alive: a page request, then the upgrade, on one connection.
        var gateway = system.GatewayHttp();
        await using var raw = await RawHttp.ConnectAsync(gateway);
        await raw.SendAsync($"GET /favicon.svg HTTP/1.1\r\nHost: {gateway.Authority}\r\n\r\n");
        var page = await raw.ReadHeadAsync();
        Assert.StartsWith("HTTP/1.1 200 ", page);
        await raw.ReadAsync(RawHttp.ContentLength(page));
        await raw.SendAsync(RawHttp.UpgradeHead(gateway, await system.TokenAsync("hs-reused")));
        var upgrade = await raw.ReadHeadAsync();
        Assert.StartsWith("HTTP/1.1 101 ", upgrade);
        Assert.Contains("Sec-WebSocket-Protocol: heartrule.v1", upgrade, StringComparison.OrdinalIgnoreCase);

        using var socket = raw.AsWebSocket();
        await socket.SendAsync(ProtocolJson.Serialize(new SessionStartFrame { RequestId = "s1", ScriptId = "intake" }), WebSocketMessageType.Text, true, default);
        var buffer = new byte[64 * 1024];
        var received = await socket.ReceiveAsync(buffer, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        Assert.IsType<SessionStartedFrame>(ProtocolJson.Parse(buffer.AsSpan(0, received.Count)).Frame);
    }

    [Fact]
    public async Task A_plain_get_of_ws_as_the_first_request_on_its_connection_gets_426()
    {
        using var http = new HttpClient { BaseAddress = system.GatewayHttp() };
        using var plain = await http.GetAsync("/ws");
        Assert.Equal(HttpStatusCode.UpgradeRequired, plain.StatusCode);
        Assert.Equal("VALIDATION_FAILED", (await plain.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_ws_request_that_reaches_http_is_told_how_websockets_are_served()
    {
        using var http = new HttpClient { BaseAddress = system.GatewayHttp() };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ws") { Version = HttpVersion.Version10, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("HTTP/1.1 upgrades", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_request_head_over_the_limit_gets_431()
    {
        await using var raw = await RawHttp.ConnectAsync(system.GatewayHttp());
        await raw.SendAsync(RawHttp.UpgradeHead(system.GatewayHttp(), null, extraHeaders: $"X-Padding: {new string('a', 20 * 1024)}\r\n"));
        Assert.StartsWith("HTTP/1.1 431 ", await raw.ReadHeadAsync());
    }

    [Fact]
    public async Task Websocket_version_8_gets_426_naming_version_13()
    {
        await using var raw = await RawHttp.ConnectAsync(system.GatewayHttp());
        await raw.SendAsync(RawHttp.UpgradeHead(system.GatewayHttp(), await system.TokenAsync("hs-version"), version: "8"));
        var head = await raw.ReadHeadAsync();
        Assert.StartsWith("HTTP/1.1 426 ", head);
        Assert.Contains("\r\nSec-WebSocket-Version: 13", head);
    }

    [Fact]
    public async Task A_client_that_stops_in_the_middle_of_its_head_is_disconnected_after_the_handshake_timeout()
    {
        await using var raw = await RawHttp.ConnectAsync(system.GatewayHttp());
        var clock = Stopwatch.StartNew();
        await raw.SendAsync("GET /ws HTTP/1.1\r\n");
        Assert.True(await raw.WaitForEndAsync(SystemFixture.HandshakeTimeout + TimeSpan.FromSeconds(10)), "the connection was still open");
        Assert.InRange(clock.Elapsed, SystemFixture.HandshakeTimeout - TimeSpan.FromMilliseconds(500), SystemFixture.HandshakeTimeout + TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_frame_sent_in_the_same_write_as_the_handshake_is_not_lost()
    {
        await using var raw = await RawHttp.ConnectAsync(system.GatewayHttp());
        var payload = Encoding.UTF8.GetBytes("{\"type\":\"ping\"}");
        byte[] mask = [0x12, 0x34, 0x56, 0x78];
        byte[] frame = [0x81, (byte)(0x80 | payload.Length), .. mask, .. payload.Select((b, i) => (byte)(b ^ mask[i % 4]))];
        await raw.SendAsync([.. Encoding.ASCII.GetBytes(RawHttp.UpgradeHead(system.GatewayHttp(), await system.TokenAsync("hs-pipelined"))), .. frame]);

        Assert.StartsWith("HTTP/1.1 101 ", await raw.ReadHeadAsync());
        var header = await raw.ReadAsync(2);
        Assert.Equal(0x81, header[0]); // one unmasked text frame
        var answer = Encoding.UTF8.GetString(await raw.ReadAsync(header[1]));
        Assert.Equal("pong", JsonDocument.Parse(answer).RootElement.GetProperty("type").GetString());
    }
}
