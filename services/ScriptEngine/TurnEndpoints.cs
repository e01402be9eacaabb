using HeartRule.Contracts;
using HeartRule.Infrastructure;

namespace HeartRule.ScriptEngine;

public static class TurnEndpoints
{
    /// <summary>
    /// POST /internal/turns: <see cref="ExecuteTurn"/> in, <see cref="TurnExecuted"/> out. A direct call rather than a
    /// request and a reply through the broker: the turn is a pure function of what the request carries, Sessions
    /// holds the durable input until it commits the result, and the two broker crossings it replaced were a fifth of
    /// a turn's CPU (docs/benchmarks.md, "Turn cost").
    /// </summary>
    public static IEndpointRouteBuilder MapTurnEndpoints(this IEndpointRouteBuilder app)
    {
        // Only the services' own tokens (role "service"): what a turn is given, a user could otherwise forge.
        app.MapGroup("/internal").RequireAuthorization(AuthenticationExtensions.ServicePolicy)
            .MapPost("/turns", (ExecuteTurn request, TurnRunner runner, HttpContext http) => runner.RunAsync(request, http.RequestAborted));
        return app;
    }
}
