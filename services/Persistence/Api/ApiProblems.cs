using HeartRule.Contracts;
using HeartRule.Infrastructure;

namespace HeartRule.Persistence.Api;

/// <summary>The API's shorthand for the problems it answers with.</summary>
public static class ApiProblems
{
    /// <summary>VALIDATION_FAILED naming the request field (query parameter or body member) at fault.</summary>
    public static IResult Invalid(HttpContext http, string field, string message, string? expected = null, string? actual = null) =>
        Problems.Result(http, ErrorCodes.ValidationFailed, message,
            errors: [new ProblemIssue(field, null, null, "constraint", message, expected, actual, expected is null ? null : $"Send {field} as {expected}")]);

    public static IResult ScriptNotFound(HttpContext http, string scriptId, int? version = null) =>
        Problems.Result(http, ErrorCodes.ScriptNotFound,
            version is { } v ? $"Script \"{scriptId}\" has no version {v}." : $"There is no script \"{scriptId}\".", scriptId: scriptId);

    public static IResult SessionNotFound(HttpContext http, Guid sessionId) =>
        Problems.Result(http, ErrorCodes.SessionNotFound, $"There is no session {sessionId}.", sessionId: sessionId);

    public static IResult Forbidden(HttpContext http, Guid sessionId) =>
        Problems.Result(http, ErrorCodes.Forbidden, "The session belongs to another user.", sessionId: sessionId);

    /// <summary>FORBIDDEN for a script the caller's roles or ownership do not let them change.</summary>
    public static IResult ScriptForbidden(HttpContext http, string scriptId, string message) =>
        Problems.Result(http, ErrorCodes.Forbidden, message, scriptId: scriptId);

    /// <summary>The signed-in caller: user id and HeartRule roles (the /api group refuses tokens without a subject).</summary>
    public static Caller Caller(this HttpContext http) =>
        http.RequestServices.GetRequiredService<RoleReader>().CallerOf(http.User) ?? throw new InvalidOperationException("The token names no user.");

    /// <summary>Documents the problems a route answers with, as application/problem+json of <see cref="HeartRuleProblem"/>.</summary>
    public static TBuilder ProducesProblems<TBuilder>(this TBuilder builder, params int[] statuses) where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in statuses)
        {
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(HeartRuleProblem), [Problems.ContentType]));
        }
        return builder;
    }
}
