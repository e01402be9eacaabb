namespace HeartRule.Contracts;

/// <summary>
/// The one list of HeartRule's error codes. HTTP problem details, WebSocket error frames and bus messages
/// all take their code, type, status and recovery advice from here.
/// </summary>
public static class ErrorCodes
{
    public const string ScriptNotFound = "SCRIPT_NOT_FOUND";
    public const string ScriptParseError = "SCRIPT_PARSE_ERROR";
    public const string ScriptValidationError = "SCRIPT_VALIDATION_ERROR";
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
        new(ScriptNotFound, ErrorType.Configuration, 404, false, "Check the script id, or list the scripts to pick an existing one."),
        new(ScriptParseError, ErrorType.Syntax, 400, false, "Fix the YAML at the reported line and column, then upload again."),
        new(ScriptValidationError, ErrorType.Configuration, 400, false, "Fix every listed problem (each has a path and a suggestion), then upload again."),
        new(SessionNotFound, ErrorType.Session, 404, false, "Start a new session, or check the session id."),
        new(SessionCompleted, ErrorType.Session, 409, false, "The script has ended; start a new session to talk again."),
        new(Forbidden, ErrorType.Security, 403, false, "Use a session or script the signed-in user may use, or sign in with a role that allows this (docs/security.md)."),
        new(Unauthorized, ErrorType.Security, 401, false, "Sign in again to get a valid access token."),
        new(ValidationFailed, ErrorType.Configuration, 400, false, "Correct the request as the message says and send it again."),
        new(LlmUnavailable, ErrorType.Runtime, 503, true, "The language model could not be reached; retry in a moment."),
        new(LlmTimeout, ErrorType.Runtime, 504, true, "The language model took too long; retry the same input."),
        new(ActionExecutionError, ErrorType.Runtime, 500, true, "Retry the input; if it persists, check the script action named in the context."),
        new(RateLimited, ErrorType.Security, 429, true, "Slow down and retry after a short pause."),
        new(InternalError, ErrorType.System, 500, true, "Retry; if it persists, report the trace id."),
        new(NotFound, ErrorType.Configuration, 404, false, "Check the path and method against the API document at /api/openapi.json."),
        new(ServiceUnavailable, ErrorType.System, 503, true, "A service HeartRule depends on is restarting; retry in a few seconds."),
        new(InvalidFrame, ErrorType.Syntax, 400, false, "Send one JSON object per text frame with the fields the protocol lists for its type."),
        new(UnknownType, ErrorType.Syntax, 400, false, "Use one of the frame types in docs/protocol.md."),
        new(PayloadTooLarge, ErrorType.Syntax, 413, false, "Send a smaller payload."),
    }.ToDictionary(d => d.Code);

    public static ErrorDescriptor Describe(string code) => All.TryGetValue(code, out var d) ? d : All[InternalError];
}

public enum ErrorType { Syntax, Configuration, Runtime, Session, Security, System }

public sealed record ErrorDescriptor(string Code, ErrorType Type, int HttpStatus, bool CanRetry, string Suggestion);
