using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using HeartRule.Contracts;
using HeartRule.Localization;
using Microsoft.AspNetCore.Http;

namespace HeartRule.Infrastructure;

/// <summary>
/// An RFC 7807 problem document carrying a HeartRule error: <see cref="Code"/> is one of <see cref="ErrorCodes"/>,
/// and the status, error type and recovery advice come from that code's descriptor, so the HTTP API, WebSocket
/// error frames and bus messages describe the same failure the same way. <see cref="Detail"/> is the message.
/// </summary>
public sealed record HeartRuleProblem
{
    /// <summary>The RFC 7807 problem type: a URN naming the code (<c>urn:heartrule:error:SCRIPT_NOT_FOUND</c>).</summary>
    public required string Type { get; init; }
    public required string Title { get; init; }
    public required int Status { get; init; }
    /// <summary>What went wrong, for a person.</summary>
    public required string Detail { get; init; }
    /// <summary>The request path the problem answers.</summary>
    public string? Instance { get; init; }
    public required string Code { get; init; }
    /// <summary>syntax, configuration, runtime, session, security or system.</summary>
    public required string ErrorType { get; init; }
    public required ProblemContext Context { get; init; }
    public required ProblemRecovery Recovery { get; init; }
    /// <summary>Every finding, for script and request validation failures.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ProblemIssue>? Errors { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ProblemIssue>? Warnings { get; init; }
}

/// <summary>Where the problem happened. <see cref="Position"/> is a session position when one applies.</summary>
public sealed record ProblemContext(string? ScriptId, Guid? SessionId, JsonElement? Position, string? TraceId, DateTimeOffset Time);

public sealed record ProblemRecovery(bool CanRetry, string Suggestion);

/// <summary>One finding: a script issue (path, 1-based line and column) or an invalid request field (path = its name).</summary>
public sealed record ProblemIssue(
    string Path, int? Line, int? Column, string Kind, string Message, string? Expected, string? Actual, string? Suggestion);

/// <summary>
/// Builds and writes <see cref="HeartRuleProblem"/>s: the one way HeartRule's HTTP endpoints report errors. Their
/// words — title, detail, recovery suggestion — are in the request's language (<c>Accept-Language</c>, see
/// <see cref="ProblemsExtensions.UseHeartRuleProblems"/>); their codes are the same in every language.
/// </summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    // Relaxed escaping: quotes and apostrophes in messages stay readable; the body is JSON, never inlined in HTML.
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <param name="locale">The language of its words; by default the request's (<see cref="RequestLocale.Locale"/>).</param>
    public static HeartRuleProblem Create(
        string code, LocalText message, HttpContext? http = null,
        string? scriptId = null, Guid? sessionId = null, JsonElement? position = null,
        IReadOnlyList<ProblemIssue>? errors = null, IReadOnlyList<ProblemIssue>? warnings = null,
        int? status = null, DateTimeOffset? time = null, string? locale = null)
    {
        var language = locale ?? http?.Locale() ?? Catalogue.DefaultLocale;
        return Build(code, message.In(language), language, http, scriptId, sessionId, position, errors, warnings, status, time);
    }

    /// <summary>
    /// An error that travelled on the bus (e.g. a stored turn's LLM timeout), in the same shape as an HTTP problem. Its
    /// message was written in the session's language when it happened; the title and suggestion are in the reader's.
    /// It happened in an earlier request, so the current trace id would mislead: the context has none.
    /// </summary>
    public static HeartRuleProblem FromErrorInfo(ErrorInfo error, string? scriptId, Guid? sessionId, JsonElement? position, DateTimeOffset time, string? locale)
    {
        var problem = Build(error.Code, error.Message, locale ?? Catalogue.DefaultLocale, null, scriptId, sessionId, position, null, null, null, time);
        return problem with { Context = problem.Context with { TraceId = null } };
    }

    private static HeartRuleProblem Build(
        string code, string detail, string locale, HttpContext? http, string? scriptId, Guid? sessionId, JsonElement? position,
        IReadOnlyList<ProblemIssue>? errors, IReadOnlyList<ProblemIssue>? warnings, int? status, DateTimeOffset? time)
    {
        var descriptor = ErrorCodes.Describe(code);
        return new HeartRuleProblem
        {
            Type = $"urn:heartrule:error:{descriptor.Code}",
            Title = Title(descriptor.Code, locale),
            Status = status ?? descriptor.HttpStatus,
            Detail = detail,
            Instance = http?.Request.Path.Value,
            Code = descriptor.Code,
            ErrorType = descriptor.Type.ToString().ToLowerInvariant(),
            Context = new ProblemContext(scriptId, sessionId, position, TraceId(http), time ?? DateTimeOffset.UtcNow),
            Recovery = new ProblemRecovery(descriptor.CanRetry, Suggestion(descriptor.Code, locale)),
            Errors = errors,
            Warnings = warnings,
        };
    }

    /// <summary>A minimal-API result that writes the problem with its status and content type.</summary>
    public static IResult Result(HeartRuleProblem problem) => new ProblemResult(problem);

    public static IResult Result(
        HttpContext http, string code, LocalText message,
        string? scriptId = null, Guid? sessionId = null, JsonElement? position = null,
        IReadOnlyList<ProblemIssue>? errors = null, IReadOnlyList<ProblemIssue>? warnings = null) =>
        Result(Create(code, message, http, scriptId, sessionId, position, errors, warnings));

    /// <summary>An error another service worded for this request (in its language), e.g. a refused start.</summary>
    public static IResult Result(HttpContext http, ErrorInfo error, string? scriptId = null, Guid? sessionId = null) =>
        Result(Build(error.Code, error.Message, http.Locale(), http, scriptId, sessionId, null, null, null, null, null));

    public static Task WriteAsync(HttpContext http, HeartRuleProblem problem)
    {
        http.Response.StatusCode = problem.Status;
        return http.Response.WriteAsJsonAsync(problem, Json, ContentType, http.RequestAborted);
    }

    /// <summary>A code's name for a person ("Session not found").</summary>
    public static string Title(string code, string locale) => Catalogue.Get(locale, $"code.{code}.title");

    /// <summary>What to do about a code's error.</summary>
    public static string Suggestion(string code, string locale) => Catalogue.Get(locale, $"code.{code}.suggestion");

    private static string? TraceId(HttpContext? http) =>
        Activity.Current?.TraceId.ToString() ?? http?.TraceIdentifier;

    private sealed class ProblemResult(HeartRuleProblem problem) : IResult, IStatusCodeHttpResult, IValueHttpResult, IContentTypeHttpResult
    {
        public int? StatusCode => problem.Status;
        public object Value => problem;
        public string ContentType => Problems.ContentType;

        public Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext, problem);
    }
}
