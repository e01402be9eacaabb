using HeartRule.Gateway.Connections;
using HeartRule.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace HeartRule.Gateway.Tests;

/// <summary>The handshake's token check, with the JwtBearer scheme's own configuration (Development key).</summary>
public sealed class BearerTokenValidatorTests : IDisposable
{
    private readonly IHost _host;
    private readonly BearerTokenValidator _validator;

    public BearerTokenValidatorTests()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        builder.AddHeartRuleAuthentication();
        builder.Services.AddSingleton<BearerTokenValidator>();
        _host = builder.Build();
        _validator = _host.Services.GetRequiredService<BearerTokenValidator>();
    }

    public void Dispose() => _host.Dispose();

    private static string Token(string userId = "u-1", string? issuer = null, string? audience = null, string? key = null,
        DateTime? notBefore = null, TimeSpan? lifetime = null)
    {
        var defaults = new AuthOptions();
        return new DevTokenIssuer(new AuthOptions
        {
            Issuer = issuer ?? defaults.Issuer,
            Audience = audience ?? defaults.Audience,
            SigningKey = key ?? AuthOptions.DevelopmentSigningKey,
        }).Issue(userId, lifetime, notBefore);
    }

    [Fact]
    public async Task A_token_gives_its_roles_and_expiry()
    {
        var token = new DevTokenIssuer(new AuthOptions { SigningKey = AuthOptions.DevelopmentSigningKey })
            .Issue("alex", TimeSpan.FromMinutes(10), roles: [Roles.Author, "service"]);

        var (user, failure) = await _validator.ValidateUserAsync(token, CancellationToken.None);

        Assert.Null(failure);
        Assert.Equal([Roles.Author], user!.Roles);
        Assert.True(user.MayDebug);
        Assert.InRange(user.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(11));
    }

    [Fact]
    public async Task A_valid_token_gives_its_subject()
    {
        var (userId, failure) = await _validator.ValidateAsync(Token("alex"), CancellationToken.None);
        Assert.Equal("alex", userId);
        Assert.Null(failure);
    }

    [Fact]
    public async Task Another_issuer_is_refused() =>
        Assert.IsAssignableFrom<SecurityTokenInvalidIssuerException>((await _validator.ValidateAsync(Token(issuer: "someone-else"), default)).Failure);

    [Fact]
    public async Task Another_audience_is_refused() =>
        Assert.IsAssignableFrom<SecurityTokenInvalidAudienceException>((await _validator.ValidateAsync(Token(audience: "someone-else"), default)).Failure);

    [Fact]
    public async Task Another_key_is_refused()
    {
        var (userId, failure) = await _validator.ValidateAsync(Token(key: "a-different-key-that-is-long-enough-for-hs256"), default);
        Assert.Null(userId);
        Assert.IsAssignableFrom<SecurityTokenException>(failure);
    }

    [Fact]
    public async Task Expiry_is_checked_with_30_seconds_of_clock_skew()
    {
        var expired = await _validator.ValidateAsync(Token(notBefore: DateTime.UtcNow.AddMinutes(-10), lifetime: TimeSpan.FromMinutes(9)), default);
        Assert.IsAssignableFrom<SecurityTokenExpiredException>(expired.Failure);
        var withinSkew = await _validator.ValidateAsync(Token(notBefore: DateTime.UtcNow.AddMinutes(-10), lifetime: TimeSpan.FromSeconds(590)), default);
        Assert.Equal("u-1", withinSkew.UserId);
    }

    [Fact]
    public async Task Garbage_is_refused() =>
        Assert.NotNull((await _validator.ValidateAsync("not.a.token", default)).Failure);
}
