using HeartRule.Contracts;
using HeartRule.Infrastructure;
using HeartRule.Localization;

namespace HeartRule.Gateway.Auth;

/// <summary>
/// POST /auth/dev-token {"userId": "...", "roles": ["author"], "lifetimeSeconds": 60}: a signed access token for any
/// user id, with the roles asked for (a client's when none), for Auth:DevTokenLifetime or less. Development only — the chat page and the tests sign in with it;
/// production uses a real identity provider (Auth:Authority).
/// </summary>
public static class DevTokenEndpoints
{
    public static IEndpointRouteBuilder MapDevTokenEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/auth/dev-token", (HttpContext http, DevTokenRequest request, DevTokenIssuer issuer, AuthOptions options) =>
        {
            if (string.IsNullOrWhiteSpace(request.UserId) || request.UserId.Length > 128)
                return Problems.Result(http, ErrorCodes.ValidationFailed, LocalText.Of("error.devUserId"));
            // Service identities are minted by the services themselves, never handed out.
            if (request.UserId.StartsWith(Roles.ServiceSubjectPrefix, StringComparison.Ordinal))
                return Problems.Result(http, ErrorCodes.ValidationFailed, LocalText.Of("error.devServicePrefix", ("prefix", Roles.ServiceSubjectPrefix)));
            var roles = request.Roles ?? [Roles.Client];
            if (roles.FirstOrDefault(r => !Roles.IsUserRole(r)) is { } unknown)
                return Problems.Result(http, ErrorCodes.ValidationFailed, LocalText.Of("error.devRole", ("role", unknown), ("roles", string.Join(", ", Roles.UserRoles))));
            var maxSeconds = (int)options.DevTokenLifetime.TotalSeconds;
            if (request.LifetimeSeconds is < 1 || request.LifetimeSeconds > maxSeconds)
                return Problems.Result(http, ErrorCodes.ValidationFailed, LocalText.Of("error.fieldRange", ("field", "lifetimeSeconds"), ("min", 1), ("max", maxSeconds)));
            var lifetime = TimeSpan.FromSeconds(request.LifetimeSeconds ?? maxSeconds);
            var token = issuer.Issue(request.UserId, lifetime, roles: roles);
            return Results.Ok(new { accessToken = token, tokenType = "Bearer", expiresIn = (int)lifetime.TotalSeconds, userId = request.UserId, roles });
        });
        return app;
    }

    /// <param name="LifetimeSeconds">Shorter than Auth:DevTokenLifetime to try token refresh (auth.expiring, auth.refresh).</param>
    public sealed record DevTokenRequest(string? UserId, string[]? Roles, int? LifetimeSeconds);
}
