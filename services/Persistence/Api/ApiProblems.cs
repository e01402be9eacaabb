using HeartRule.Contracts;
using HeartRule.Infrastructure;
using HeartRule.Localization;

namespace HeartRule.Persistence.Api;

/// <summary>The API's shorthand for the problems it answers with.</summary>
public static class ApiProblems
{
    /// <summary>VALIDATION_FAILED naming the request field (query parameter or body member) at fault.</summary>
    public static IResult Invalid(HttpContext http, string field, LocalText message, LocalText? expected = null, string? actual = null)
    {
        var locale = http.Locale();
        var wanted = expected?.In(locale);
        return Problems.Result(http, ErrorCodes.ValidationFailed, message,
            errors: [new ProblemIssue(field, null, null, "constraint", message.In(locale), wanted, actual,
                wanted is null ? null : Catalogue.Get(locale, "error.sendFieldAs", ("field", field), ("expected", wanted)))]);
    }

    /// <summary>"an integer from 1 to 100", for <see cref="Invalid"/>.</summary>
    public static LocalText IntegerRange(int min, int max) => LocalText.Of("error.expected.integerRange", ("min", min), ("max", max));

    /// <summary>"an integer ≥ 1", for <see cref="Invalid"/>.</summary>
    public static LocalText IntegerFrom(int min) => LocalText.Of("error.expected.integerFrom", ("min", min));

    /// <summary>"one of: a, b, c", for <see cref="Invalid"/>.</summary>
    public static LocalText OneOf(IEnumerable<string> values) => LocalText.Of("validation.expected.oneOf", ("list", string.Join(", ", values)));

    public static IResult ScriptNotFound(HttpContext http, string scriptId, int? version = null) =>
        Problems.Result(http, ErrorCodes.ScriptNotFound,
            version is { } v ? LocalText.Of("error.scriptHasNoVersion", ("script", scriptId), ("version", v)) : LocalText.Of("error.noScript", ("script", scriptId)),
            scriptId: scriptId);

    public static IResult SessionNotFound(HttpContext http, Guid sessionId) =>
        Problems.Result(http, ErrorCodes.SessionNotFound, LocalText.Of("error.noSession", ("session", sessionId)), sessionId: sessionId);

    public static IResult Forbidden(HttpContext http, Guid sessionId) =>
        Problems.Result(http, ErrorCodes.Forbidden, LocalText.Of("error.otherUsersSession"), sessionId: sessionId);

    /// <summary>FORBIDDEN for a route only admins may use.</summary>
    public static IResult AdminsOnly(HttpContext http) => Problems.Result(http, ErrorCodes.Forbidden, LocalText.Of("error.adminsOnly"));

    /// <summary>FORBIDDEN for a script the caller's roles or ownership do not let them change.</summary>
    public static IResult ScriptForbidden(HttpContext http, string scriptId, LocalText message) =>
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
