using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using HeartRule.Contracts;
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

/// <summary>Builds and writes <see cref="HeartRuleProblem"/>s: the one way HeartRule's HTTP endpoints report errors.</summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    // Relaxed escaping: quotes and apostrophes in messages stay readable; the body is JSON, never inlined in HTML.
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static HeartRuleProblem Create(
        string code, string message, HttpContext? http = null,
        string? scriptId = null, Guid? sessionId = null, JsonElement? position = null,
        IReadOnlyList<ProblemIssue>? errors = null, IReadOnlyList<ProblemIssue>? warnings = null,
        int? status = null, DateTimeOffset? time = null)
    {
        var descriptor = ErrorCodes.Describe(code);
        return new HeartRuleProblem
        {
            Type = $"urn:heartrule:error:{descriptor.Code}",
            Title = Title(descriptor.Code),
            Status = status ?? descriptor.HttpStatus,
            Detail = message,
            Instance = http?.Request.Path.Value,
            Code = descriptor.Code,
            ErrorType = descriptor.Type.ToString().ToLowerInvariant(),
            Context = new ProblemContext(scriptId, sessionId, position, TraceId(http), time ?? DateTimeOffset.UtcNow),
            Recovery = new ProblemRecovery(descriptor.CanRetry, descriptor.Suggestion),
            Errors = errors,
            Warnings = warnings,
        };
    }

    /// <summary>
    /// An error that travelled on the bus (e.g. a stored turn's LLM timeout), in the same shape as an HTTP problem.
    /// It happened in an earlier request, so the current trace id would mislead: the context has none.
    /// </summary>
    public static HeartRuleProblem FromErrorInfo(ErrorInfo error, string? scriptId, Guid? sessionId, JsonElement? position, DateTimeOffset time)
    {
        var problem = Create(error.Code, error.Message, null, scriptId, sessionId, position, time: time);
        return problem with { Context = problem.Context with { TraceId = null } };
    }

    /// <summary>A minimal-API result that writes the problem with its status and content type.</summary>
    public static IResult Result(HeartRuleProblem problem) => new ProblemResult(problem);

    public static IResult Result(
        HttpContext http, string code, string message,
        string? scriptId = null, Guid? sessionId = null, JsonElement? position = null,
        IReadOnlyList<ProblemIssue>? errors = null, IReadOnlyList<ProblemIssue>? warnings = null) =>
        Result(Create(code, message, http, scriptId, sessionId, position, errors, warnings));

    public static Task WriteAsync(HttpContext http, HeartRuleProblem problem)
    {
        http.Response.StatusCode = problem.Status;
        return http.Response.WriteAsJsonAsync(problem, Json, ContentType, http.RequestAborted);
    }

    /// <summary>"SCRIPT_NOT_FOUND" → "Script not found".</summary>
    public static string Title(string code)
    {
        var words = code.ToLowerInvariant().Replace('_', ' ');
        return words.Length == 0 ? words : char.ToUpper(words[0], CultureInfo.InvariantCulture) + words[1..];
    }

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
