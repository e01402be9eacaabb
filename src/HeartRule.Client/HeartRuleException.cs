using HeartRule.Protocol;

namespace HeartRule.Client;

/// <summary>The gateway refused a request with an error that sending it again will not change (docs/protocol.md, "Error codes").</summary>
public sealed class HeartRuleException(string code, string message, Guid? sessionId = null) : Exception($"{code}: {message}")
{
    /// <summary>The protocol's error code: <c>SCRIPT_NOT_FOUND</c>, <c>FORBIDDEN</c>, <c>SESSION_COMPLETED</c>, ….</summary>
    public string Code { get; } = code;

    /// <summary>What the gateway said, in the socket's language.</summary>
    public string ServerMessage { get; } = message;

    public Guid? SessionId { get; } = sessionId;

    internal static HeartRuleException From(ErrorFrame error) => new(error.Code, error.Message, error.SessionId);
}
