namespace HeartRule.Persistence.Api;

/// <summary>The public API under /api: bearer JWT on every route, one rate limit per user.</summary>
public static class ApiEndpoints
{
    public static WebApplication MapApi(this WebApplication app)
    {
        var api = app.MapGroup("/api")
            .RequireAuthorization()
            .RequireRateLimiting(ApiRateLimiting.Policy)
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status429TooManyRequests, StatusCodes.Status500InternalServerError, StatusCodes.Status503ServiceUnavailable);
        api.MapScripts();
        api.MapSessions();
        app.MapApiDocs();
        return app;
    }
}
