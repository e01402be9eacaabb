namespace HeartRule.Client.Tests;

public sealed class OptionsTests
{
    private static HeartRuleConnectionOptions With(Uri gateway, TimeSpan? retryDelay = null) => new()
    {
        Gateways = [gateway],
        AccessToken = _ => Task.FromResult("token"),
        RetryDelay = retryDelay ?? TimeSpan.FromMilliseconds(250),
    };

    [Theory]
    [InlineData("http://127.0.0.1:5000/ws")]
    [InlineData("/ws")]
    public async Task A_gateway_address_that_is_not_a_websocket_uri_is_refused_before_connecting(string address)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => HeartRuleConnection.ConnectAsync(With(new Uri(address, UriKind.RelativeOrAbsolute))));
        Assert.Contains("ws://", error.Message);
    }

    [Fact]
    public async Task No_gateway_at_all_is_refused()
    {
        var options = new HeartRuleConnectionOptions { Gateways = [], AccessToken = _ => Task.FromResult("token") };

        await Assert.ThrowsAsync<ArgumentException>(() => HeartRuleConnection.ConnectAsync(options));
    }

    [Fact]
    public async Task A_cap_below_the_first_wait_is_refused()
    {
        var options = With(new Uri("ws://127.0.0.1:5000/ws"), retryDelay: TimeSpan.FromMinutes(1));

        await Assert.ThrowsAsync<ArgumentException>(() => HeartRuleConnection.ConnectAsync(options));
    }
}
