using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace HeartRule.Infrastructure;

public static class AuthenticationExtensions
{
    /// <summary>
    /// Bearer JWT validation (signature, issuer, audience, lifetime), from the Authorization header only. The
    /// gateway's WebSocket handshake, which browsers cannot give headers, reads its access_token query parameter
    /// itself with these same parameters (services/Gateway/Connections/BearerTokenValidator.cs).
    /// </summary>
    public static IHostApplicationBuilder AddHeartRuleAuthentication(this IHostApplicationBuilder builder)
    {
        // Bound and validated at startup (ValidateOnStart): a missing, weak or development key outside Development
        // stops the service before it takes a request, with a message that says what to configure.
        builder.Services.AddOptions<AuthOptions>().BindConfiguration("Auth")
            .PostConfigure<IHostEnvironment>((o, environment) =>
            {
                if (o.SigningKey is null && environment.IsDevelopment()) o.SigningKey = AuthOptions.DevelopmentSigningKey;
            })
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<AuthOptions>>().Value);

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<IOptions<AuthOptions>>((jwt, auth) =>
        {
            var options = auth.Value;
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
        builder.Services.AddAuthorization(authorization => authorization.AddPolicy(ServicePolicy, policy => policy
            .RequireAuthenticatedUser()
            .RequireAssertion(ctx => Roles.IsService(ctx.User, ctx.Resource is HttpContext http
                ? http.RequestServices.GetRequiredService<AuthOptions>()
                : throw new InvalidOperationException("The service policy applies to HTTP requests.")))));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<RoleReader>();
        builder.Services.AddSingleton<ServiceTokenIssuer>();
        builder.Services.AddTransient<ServiceTokenHandler>();
        return builder;
    }

    /// <summary>Internal routes: only the services' own tokens (<see cref="Roles.IsService"/>).</summary>
    public const string ServicePolicy = "service";

    /// <summary>Every request of this client carries the calling service's own token.</summary>
    public static IHttpClientBuilder AddServiceToken(this IHttpClientBuilder client) => client.AddHttpMessageHandler<ServiceTokenHandler>();

    /// <summary>The user id a token names.</summary>
    public static string? GetUserId(this ClaimsPrincipal user) => user.FindFirstValue(JwtRegisteredClaimNames.Sub);
}
