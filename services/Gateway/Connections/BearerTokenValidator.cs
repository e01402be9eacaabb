using System.Security.Claims;
using HeartRule.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HeartRule.Gateway.Connections;

/// <summary>
/// Validates a handshake's bearer token outside the HTTP pipeline, exactly as the JwtBearer scheme would: its
/// validation parameters (signature, issuer, audience, lifetime, clock skew), and with an OpenID Connect
/// authority its keys and issuer, refreshed when a token names a key it does not know yet.
/// </summary>
public sealed class BearerTokenValidator(IOptionsMonitor<JwtBearerOptions> monitor, AuthOptions auth)
{
    /// <summary>The token's user id (its <c>sub</c>), or why it was refused.</summary>
    public async Task<(string? UserId, Exception? Failure)> ValidateAsync(string token, CancellationToken ct)
    {
        var (user, failure) = await ValidateUserAsync(token, ct);
        return (user?.UserId, failure);
    }

    /// <summary>The token's user, roles and expiry, or why it was refused. Nothing else of the parsed token is kept.</summary>
    public async Task<(TokenUser? User, Exception? Failure)> ValidateUserAsync(string token, CancellationToken ct)
    {
        var options = monitor.Get(JwtBearerDefaults.AuthenticationScheme);
        var parameters = await ParametersAsync(options, ct);
        var result = await Handler(options).ValidateTokenAsync(token, parameters);
        if (!result.IsValid)
        {
            var failure = result.Exception ?? new SecurityTokenValidationException("The token was not valid.");
            if (options.RefreshOnIssuerKeyNotFound && failure is SecurityTokenSignatureKeyNotFoundException)
                options.ConfigurationManager?.RequestRefresh();
            return (null, failure);
        }
        var principal = new ClaimsPrincipal(result.ClaimsIdentity);
        if (principal.GetUserId() is not { } userId) return (null, new SecurityTokenValidationException("The token names no subject."));
        return (new TokenUser(userId, Roles.Of(principal, auth), new DateTimeOffset(result.SecurityToken.ValidTo, TimeSpan.Zero)), null);
    }

    // The scheme's own handler: it carries the scheme's claim mapping.
    private static TokenHandler Handler(JwtBearerOptions options)
    {
        foreach (var handler in options.TokenHandlers)
        {
            if (handler is JsonWebTokenHandler) return handler;
        }
        return new JsonWebTokenHandler { MapInboundClaims = options.MapInboundClaims };
    }

    private static async Task<TokenValidationParameters> ParametersAsync(JwtBearerOptions options, CancellationToken ct)
    {
        if (options.ConfigurationManager is null) return options.TokenValidationParameters;
        var parameters = options.TokenValidationParameters.Clone();
        if (options.ConfigurationManager is BaseConfigurationManager manager)
        {
            // The handler fetches (and falls back to the last known good) configuration itself.
            parameters.ConfigurationManager = manager;
            return parameters;
        }
        var configuration = await options.ConfigurationManager.GetConfigurationAsync(ct);
        string[] issuers = [configuration.Issuer];
        parameters.ValidIssuers = parameters.ValidIssuers?.Concat(issuers) ?? issuers;
        parameters.IssuerSigningKeys = parameters.IssuerSigningKeys?.Concat(configuration.SigningKeys) ?? configuration.SigningKeys;
        return parameters;
    }
}
