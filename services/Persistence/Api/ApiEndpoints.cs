using System.IdentityModel.Tokens.Jwt;

namespace HeartRule.Persistence.Api;

/// <summary>The public API under /api: bearer JWT on every route, one rate limit per user.</summary>
public static class ApiEndpoints
{
    public static WebApplication MapApi(this WebApplication app)
    {
        var api = app.MapGroup("/api")
            // Every read and write is scoped by the token's subject: a token without one is not enough.
            .RequireAuthorization(policy => policy.RequireAuthenticatedUser().RequireClaim(JwtRegisteredClaimNames.Sub))
            .RequireRateLimiting(ApiRateLimiting.Policy)
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status429TooManyRequests, StatusCodes.Status500InternalServerError, StatusCodes.Status503ServiceUnavailable);
        api.MapScripts();
        api.MapSessions();
        api.MapAdmin();
        api.MapSafety();
        api.MapErasure();
        app.MapApiDocs();
        return app;
    }
}
