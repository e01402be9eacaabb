using HeartRule.Gateway.Connections;

namespace HeartRule.Gateway.Tests;

public class WebSocketAcceptTests
{
    // RFC 6455 §1.3's example.
    [Fact]
    public void The_accept_value_is_the_rfc_example() =>
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocketAccept.Compute("dGhlIHNhbXBsZSBub25jZQ=="));

    [Theory]
    [InlineData("dGhlIHNhbXBsZSBub25jZQ==", true)]
    [InlineData("dGhlIHNhbXBsZSBub25jZQ", false)] // unpadded
    [InlineData("dGhlIHNhbXBsZSBub25jZSE=", false)] // 17 bytes
    [InlineData("dGhlIHNhbXBsZSBub25j!!==", false)] // not base64
    [InlineData("", false)]
    [InlineData(null, false)]
    public void A_key_is_the_base64_of_16_bytes(string? key, bool valid) => Assert.Equal(valid, WebSocketAccept.IsValidKey(key));
}
