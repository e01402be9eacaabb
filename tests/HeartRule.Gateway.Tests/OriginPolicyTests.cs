using HeartRule.Gateway.Connections;

namespace HeartRule.Gateway.Tests;

public class OriginPolicyTests
{
    private static bool Allowed(string? origin, params string[] allowList) =>
        new OriginPolicy(new GatewayOptions { AllowedOrigins = allowList }).IsAllowed(origin, "chat.example.org");

    [Fact] public void Clients_without_origin_are_judged_by_their_token_alone() => Assert.True(Allowed(null));
    [Fact] public void Same_origin_is_allowed() => Assert.True(Allowed("https://chat.example.org"));
    [Fact] public void Same_origin_on_another_port_is_foreign() => Assert.False(Allowed("https://chat.example.org:8443"));
    [Fact] public void Listed_origin_is_allowed() => Assert.True(Allowed("https://studio.example.org", "https://studio.example.org/"));
    [Fact] public void Foreign_origin_is_refused() => Assert.False(Allowed("https://evil.example.com", "https://studio.example.org"));
    [Fact] public void Garbage_origin_is_refused() => Assert.False(Allowed("null"));
}
