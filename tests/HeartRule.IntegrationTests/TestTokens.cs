using HeartRule.Infrastructure;

namespace HeartRule.IntegrationTests;

/// <summary>Tokens signed like the Development endpoint's, with any lifetime a test needs.</summary>
public static class TestTokens
{
    public static string Issue(string userId, DateTime? notBefore = null, TimeSpan? lifetime = null) =>
        new DevTokenIssuer(new AuthOptions { SigningKey = AuthOptions.DevelopmentSigningKey }).Issue(userId, lifetime, notBefore);
}
