using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace HeartRule.Infrastructure;

/// <summary>Settings of the bearer tokens HeartRule accepts (section "Auth").</summary>
public sealed class AuthOptions
{
    public string Issuer { get; set; } = "heartrule";
    public string Audience { get; set; } = "heartrule";
    /// <summary>Symmetric signing key (≥ 32 bytes). Required outside Development.</summary>
    public string? SigningKey { get; set; }
    /// <summary>An OpenID Connect authority; when set, its keys are used instead of <see cref="SigningKey"/>.</summary>
    public string? Authority { get; set; }
    public TimeSpan DevTokenLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Only for Development, documented in README: a key nobody should deploy.</summary>
    public const string DevelopmentSigningKey = "heartrule-development-signing-key-do-not-deploy";
}

public static class AuthenticationExtensions
{
    /// <summary>
    /// Bearer JWT validation (signature, issuer, audience, lifetime), from the Authorization header only. The
    /// gateway's WebSocket handshake, which browsers cannot give headers, reads its access_token query parameter
    /// itself with these same parameters (services/Gateway/Connections/BearerTokenValidator.cs).
    /// </summary>
    public static IHostApplicationBuilder AddHeartRuleAuthentication(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Auth").Get<AuthOptions>() ?? new AuthOptions();
        if (options.SigningKey is null && options.Authority is null)
        {
            if (!builder.Environment.IsDevelopment())
                throw new InvalidOperationException("Auth:SigningKey or Auth:Authority must be configured outside Development.");
            options.SigningKey = AuthOptions.DevelopmentSigningKey;
        }
        builder.Services.AddSingleton(options);

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(jwt =>
            {
                jwt.MapInboundClaims = false;
                if (options.Authority is not null) jwt.Authority = options.Authority;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = options.Issuer,
                    ValidAudience = options.Audience,
                    ValidateIssuer = true,
                    ValidateAudience = true,
                    ValidateLifetime = true,
                    ValidateIssuerSigningKey = true,
                    ClockSkew = TimeSpan.FromSeconds(30),
                    NameClaimType = JwtRegisteredClaimNames.Sub,
                    IssuerSigningKey = options.SigningKey is null ? null : new SymmetricSecurityKey(Encoding.UTF8.GetBytes(options.SigningKey)),
                };
            });
        builder.Services.AddAuthorization();
        return builder;
    }

    /// <summary>The user id a token names.</summary>
    public static string? GetUserId(this ClaimsPrincipal user) => user.FindFirstValue(JwtRegisteredClaimNames.Sub);
}
