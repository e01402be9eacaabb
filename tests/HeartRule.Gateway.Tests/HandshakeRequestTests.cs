using System.Text;
using HeartRule.Gateway.Connections;
using HeartRule.Protocol;

namespace HeartRule.Gateway.Tests;

public class HandshakeRequestTests
{
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";

    private static string Head(string target = "/ws", params string[] headers) =>
        $"GET {target} HTTP/1.1\r\n{string.Concat(headers.Select(h => h + "\r\n"))}\r\n";

    private static readonly string[] Good =
    [
        "Host: gw.example.org:8080",
        "Upgrade: websocket",
        "Connection: Upgrade",
        $"Sec-WebSocket-Key: {Key}",
        "Sec-WebSocket-Version: 13",
        $"Sec-WebSocket-Protocol: {ProtocolJson.SubProtocol}",
        "Origin: https://gw.example.org:8080",
        "Authorization: Bearer abc.def.ghi",
    ];

    private static HandshakeRequest? Parse(string head) => HandshakeRequest.Parse(Encoding.Latin1.GetBytes(head));

    private static HandshakeRequest ParseGood(Func<string, string?> change) =>
        Parse(Head("/ws", [.. Good.Select(change).OfType<string>()]))!;

    [Fact]
    public void A_good_request_is_read_and_passes()
    {
        var request = Parse(Head("/ws", Good))!;
        Assert.Equal("/ws", request.Target);
        Assert.Equal("gw.example.org:8080", request.Host);
        Assert.Equal(Key, request.Key);
        Assert.Equal("https://gw.example.org:8080", request.Origin);
        Assert.Equal("abc.def.ghi", request.AccessToken());
        Assert.Null(request.Check());
    }

    [Fact]
    public void Header_names_are_case_insensitive()
    {
        var request = Parse(Head("/ws", [.. Good.Select(h => h.Split(':', 2) is [var name, var value] ? name.ToUpperInvariant() + ":" + value : h)]))!;
        Assert.Equal(Key, request.Key);
        Assert.Null(request.Check());
        Assert.Null(ParseGood(h => h.Replace("Sec-WebSocket-Key", "sec-websocket-key")).Check());
    }

    [Theory]
    [InlineData("Connection: keep-alive, Upgrade")]
    [InlineData("Connection: upgrade")]
    [InlineData("Connection:keep-alive,upgrade")]
    public void Connection_may_be_a_list(string connection) =>
        Assert.Null(ParseGood(h => h.StartsWith("Connection") ? connection : h).Check());

    [Fact]
    public void Repeated_connection_headers_are_one_list()
    {
        var request = Parse(Head("/ws", [.. Good.Where(h => !h.StartsWith("Connection")), "Connection: keep-alive", "Connection: Upgrade"]))!;
        Assert.Equal("keep-alive, Upgrade", request.Connection);
        Assert.Null(request.Check());
    }

    [Theory]
    [InlineData("Connection: keep-alive")]
    [InlineData(null)]
    public void Without_connection_upgrade_it_is_not_an_upgrade(string? connection) =>
        Assert.Same(HandshakeRejection.NotAnUpgrade, ParseGood(h => h.StartsWith("Connection") ? connection : h).Check());

    [Fact]
    public void Without_upgrade_websocket_it_is_not_an_upgrade() =>
        Assert.Same(HandshakeRejection.NotAnUpgrade, ParseGood(h => h.StartsWith("Upgrade") ? "Upgrade: h2c" : h).Check());

    [Theory]
    [InlineData("Sec-WebSocket-Version: 8")]
    [InlineData("Sec-WebSocket-Version: 13, 8")]
    [InlineData(null)]
    public void A_version_other_than_13_needs_an_upgrade(string? version)
    {
        var rejection = ParseGood(h => h.StartsWith("Sec-WebSocket-Version") ? version : h).Check();
        Assert.Same(HandshakeRejection.UnsupportedVersion, rejection);
        Assert.Equal(426, rejection!.Status);
        Assert.Equal("Sec-WebSocket-Version: 13\r\n", rejection.Headers);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Sec-WebSocket-Key: not-a-key")]
    [InlineData("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZSE=")]
    public void A_missing_or_invalid_key_is_a_bad_request(string? key)
    {
        var rejection = ParseGood(h => h.StartsWith("Sec-WebSocket-Key") ? key : h).Check();
        Assert.Same(HandshakeRejection.InvalidKey, rejection);
        Assert.Equal(400, rejection!.Status);
    }

    [Theory]
    [InlineData("Sec-WebSocket-Protocol: chat.v0, heartrule.v1", true)]
    [InlineData("Sec-WebSocket-Protocol: heartrule.v1 , chat.v0", true)]
    [InlineData("Sec-WebSocket-Protocol: chat.v0", false)]
    [InlineData("Sec-WebSocket-Protocol: HeartRule.V1", false)]
    [InlineData("Sec-WebSocket-Protocol: heartrule.v10", false)]
    [InlineData(null, false)]
    public void The_subprotocol_must_be_among_those_offered(string? protocols, bool accepted)
    {
        var rejection = ParseGood(h => h.StartsWith("Sec-WebSocket-Protocol") ? protocols : h).Check();
        if (accepted) Assert.Null(rejection);
        else Assert.Same(HandshakeRejection.NoSubprotocol, rejection);
    }

    [Fact]
    public void Offers_in_repeated_protocol_headers_count() =>
        Assert.Null(Parse(Head("/ws", [.. Good.Where(h => !h.StartsWith("Sec-WebSocket-Protocol")),
            "Sec-WebSocket-Protocol: chat.v0", $"Sec-WebSocket-Protocol: {ProtocolJson.SubProtocol}"]))!.Check());

    [Fact]
    public void The_checks_come_in_order_upgrade_version_key_subprotocol()
    {
        var nothing = Parse(Head("/ws", "Host: gw"))!;
        Assert.Same(HandshakeRejection.NotAnUpgrade, nothing.Check());
        Assert.Same(HandshakeRejection.UnsupportedVersion, Parse(Head("/ws", "Host: gw", "Upgrade: websocket", "Connection: Upgrade"))!.Check());
        Assert.Same(HandshakeRejection.InvalidKey,
            Parse(Head("/ws", "Host: gw", "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13"))!.Check());
    }

    [Theory]
    [InlineData("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\n")] // no Host
    [InlineData("GET /ws HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")]
    [InlineData("GET /ws HTTP/1.1\r\nHost: gw\r\nSec-WebSocket-Key: a\r\nSec-WebSocket-Key: b\r\n\r\n")]
    [InlineData("GET /ws HTTP/1.1\r\nHost : gw\r\n\r\n")]
    [InlineData("GET /ws HTTP/1.1\r\nHost: gw\r\n folded\r\n\r\n")]
    [InlineData("GET /ws HTTP/1.1\r\nHost: gw\r\nno colon\r\n\r\n")]
    [InlineData("GET /ws HTTP/1.1\r\nHost: g\x01w\r\n\r\n")]
    [InlineData("GET /ws HTTP/1.1\r\nHost: gw\r\n")] // no end
    public void Malformed_heads_are_refused(string head) => Assert.Null(Parse(head));

    [Theory]
    [InlineData("/ws?access_token=abc.def", "abc.def")]
    [InlineData("/ws?x=1&access_token=a%2Bb%3D", "a+b=")]
    [InlineData("/ws?access_token=", null)]
    [InlineData("/ws?other=abc", null)]
    [InlineData("/ws", null)]
    public void Without_an_authorization_header_the_token_comes_from_the_query(string target, string? token) =>
        Assert.Equal(token, Parse(Head(target, "Host: gw"))!.AccessToken());

    [Fact]
    public void The_authorization_header_wins_over_the_query() =>
        Assert.Equal("from-header", Parse(Head("/ws?access_token=from-query", "Host: gw", "Authorization: bearer from-header"))!.AccessToken());

    [Fact]
    public void A_scheme_other_than_bearer_is_no_token() =>
        Assert.Null(Parse(Head("/ws", "Host: gw", "Authorization: Basic dXNlcjpwdw=="))!.AccessToken());

    [Theory]
    [InlineData("/ws", null, "en")]
    [InlineData("/ws", "zh-CN,zh;q=0.9,en;q=0.8", "zh-CN")]
    [InlineData("/ws", "fr;q=0.9, zh-TW;q=0.8", "zh-CN")]
    [InlineData("/ws?locale=zh-cn", "en", "zh-CN")]
    [InlineData("/ws?access_token=x&locale=en-GB", "zh-CN", "en")]
    [InlineData("/ws?locale=fr", "zh-CN", "en")]
    public void The_socket_speaks_the_locale_parameter_else_the_best_of_Accept_Language(string target, string? acceptLanguage, string locale)
    {
        var request = Parse(Head(target, [.. Good, .. acceptLanguage is null ? Array.Empty<string>() : [$"Accept-Language: {acceptLanguage}"]]))!;
        Assert.Null(request.Check());
        Assert.Equal(locale, request.Locale());
    }

    [Fact]
    public void A_locale_parameter_that_is_not_a_language_tag_is_refused_in_the_requests_language()
    {
        var request = Parse(Head("/ws?locale=zh_CN", [.. Good, "Accept-Language: zh-CN"]))!;
        var rejection = request.Check();
        Assert.Equal(("invalid_locale", 400), (rejection?.Reason, rejection?.Status));
        Assert.Equal("“locale”必须是 BCP 47 语言标签（例如 en 或 zh-CN），而不是“zh_CN”。", rejection!.Message.In(request.Locale()));
    }
}
