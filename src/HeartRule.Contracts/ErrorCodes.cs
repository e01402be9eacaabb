namespace HeartRule.Contracts;

/// <summary>
/// The one list of HeartRule's error codes. HTTP problem details, WebSocket error frames and bus messages
/// all take their code, type, status and whether to retry from here.
/// </summary>
public static class ErrorCodes
{
    public const string ScriptNotFound = "SCRIPT_NOT_FOUND";
    public const string ScriptParseError = "SCRIPT_PARSE_ERROR";
    public const string ScriptValidationError = "SCRIPT_VALIDATION_ERROR";
    // Publishing a draft that validation still finds fault with (docs/api.md, "Drafts, publishing and rollback").
    public const string ScriptHasErrors = "SCRIPT_HAS_ERRORS";
    public const string ScriptHasWarnings = "SCRIPT_HAS_WARNINGS";
    public const string SessionNotFound = "SESSION_NOT_FOUND";
    public const string SessionCompleted = "SESSION_COMPLETED";
    public const string Forbidden = "FORBIDDEN";
    public const string Unauthorized = "UNAUTHORIZED";
    public const string ValidationFailed = "VALIDATION_FAILED";
    public const string LlmUnavailable = "LLM_UNAVAILABLE";
    public const string LlmTimeout = "LLM_TIMEOUT";
    public const string ActionExecutionError = "ACTION_EXECUTION_ERROR";
    public const string RateLimited = "RATE_LIMITED";
    public const string InternalError = "INTERNAL_ERROR";
    // HTTP API codes beyond the list: an unknown route, and a dependency (the database) that is restarting.
    public const string NotFound = "NOT_FOUND";
    public const string ServiceUnavailable = "SERVICE_UNAVAILABLE";
    // Protocol-level codes (WebSocket frames).
    public const string InvalidFrame = "INVALID_FRAME";
    public const string UnknownType = "UNKNOWN_TYPE";
    public const string PayloadTooLarge = "PAYLOAD_TOO_LARGE";

    public static readonly IReadOnlyDictionary<string, ErrorDescriptor> All = new ErrorDescriptor[]
    {
        new(ScriptNotFound, ErrorType.Configuration, 404, false),
        new(ScriptParseError, ErrorType.Syntax, 400, false),
        new(ScriptValidationError, ErrorType.Configuration, 400, false),
        new(ScriptHasErrors, ErrorType.Configuration, 409, false),
        new(ScriptHasWarnings, ErrorType.Configuration, 409, false),
        new(SessionNotFound, ErrorType.Session, 404, false),
        new(SessionCompleted, ErrorType.Session, 409, false),
        new(Forbidden, ErrorType.Security, 403, false),
        new(Unauthorized, ErrorType.Security, 401, false),
        new(ValidationFailed, ErrorType.Configuration, 400, false),
        new(LlmUnavailable, ErrorType.Runtime, 503, true),
        new(LlmTimeout, ErrorType.Runtime, 504, true),
        new(ActionExecutionError, ErrorType.Runtime, 500, true),
        new(RateLimited, ErrorType.Security, 429, true),
        new(InternalError, ErrorType.System, 500, true),
        new(NotFound, ErrorType.Configuration, 404, false),
        new(ServiceUnavailable, ErrorType.System, 503, true),
        new(InvalidFrame, ErrorType.Syntax, 400, false),
        new(UnknownType, ErrorType.Syntax, 400, false),
        new(PayloadTooLarge, ErrorType.Syntax, 413, false),
    }.ToDictionary(d => d.Code);

    public static ErrorDescriptor Describe(string code) => All.TryGetValue(code, out var d) ? d : All[InternalError];
}

public enum ErrorType { Syntax, Configuration, Runtime, Session, Security, System }

/// <summary>A code's fixed traits. Its title and what to do about it are words, in each language's catalogue (<c>code.&lt;CODE&gt;.title</c>, <c>.suggestion</c>).</summary>
public sealed record ErrorDescriptor(string Code, ErrorType Type, int HttpStatus, bool CanRetry);
