using HeartRule.Gateway.Connections;
using Microsoft.AspNetCore.Http;

namespace HeartRule.Gateway.Tests;

public class OriginPolicyTests
{
    private static bool Allowed(string? origin, params string[] allowList)
    {
        var context = new DefaultHttpContext();
        context.Request.Host = new HostString("chat.example.org");
        if (origin is not null) context.Request.Headers.Origin = origin;
        return new OriginPolicy(new GatewayOptions { AllowedOrigins = allowList }).IsAllowed(context.Request);
    }

    [Fact] public void Clients_without_origin_are_judged_by_their_token_alone() => Assert.True(Allowed(null));
    [Fact] public void Same_origin_is_allowed() => Assert.True(Allowed("https://chat.example.org"));
    [Fact] public void Listed_origin_is_allowed() => Assert.True(Allowed("https://studio.example.org", "https://studio.example.org/"));
    [Fact] public void Foreign_origin_is_refused() => Assert.False(Allowed("https://evil.example.com", "https://studio.example.org"));
    [Fact] public void Garbage_origin_is_refused() => Assert.False(Allowed("null"));
}
