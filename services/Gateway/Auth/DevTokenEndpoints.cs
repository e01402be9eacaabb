using HeartRule.Infrastructure;

namespace HeartRule.Gateway.Auth;

/// <summary>
/// POST /auth/dev-token {"userId": "..."}: a signed access token for any user id. Development only — the
/// chat page and the tests sign in with it; production uses a real identity provider (Auth:Authority).
/// </summary>
public static class DevTokenEndpoints
{
    public static IEndpointRouteBuilder MapDevTokenEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/auth/dev-token", (DevTokenRequest request, DevTokenIssuer issuer, AuthOptions options) =>
        {
            if (string.IsNullOrWhiteSpace(request.UserId) || request.UserId.Length > 128)
                return Results.Problem(title: "userId must be 1 to 128 characters.", statusCode: StatusCodes.Status400BadRequest);
            var token = issuer.Issue(request.UserId);
            return Results.Ok(new { accessToken = token, tokenType = "Bearer", expiresIn = (int)options.DevTokenLifetime.TotalSeconds, userId = request.UserId });
        });
        return app;
    }

    public sealed record DevTokenRequest(string? UserId);
}
