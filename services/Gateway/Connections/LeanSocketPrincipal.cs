using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using HeartRule.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace HeartRule.Gateway.Connections;

/// <summary>
/// A WebSocket request lives as long as its socket, and so does everything authentication left on it: the
/// validated principal, whose identity points back at the parsed token (its text, header, payload and claim
/// tables). The socket needs only the user id, so for the WebSocket path the principal is replaced, once the
/// token is validated, by one that carries just the subject; the parsed token is then garbage. Validation itself
/// (signature, issuer, audience, lifetime) is untouched. Measured in docs/benchmarks.md (idle memory).
/// </summary>
public static class LeanSocketPrincipal
{
    public static IServiceCollection AddLeanSocketPrincipal(this IServiceCollection services, PathString socketPath) =>
        services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, options =>
        {
            options.Events ??= new JwtBearerEvents();
            var validated = options.Events.OnTokenValidated;
            options.Events.OnTokenValidated = async context =>
            {
                await validated(context);
                if (context.Result is not null || !context.Request.Path.StartsWithSegments(socketPath)) return;
                if (context.Principal?.GetUserId() is not { } userId) return;
                context.Principal = new ClaimsPrincipal(new ClaimsIdentity(
                    [new Claim(JwtRegisteredClaimNames.Sub, userId)], context.Scheme.Name, JwtRegisteredClaimNames.Sub, roleType: null));
            };
        });
}
