using HeartRule.Protocol;

namespace HeartRule.Client;

// What the connection's own retries act on; neither leaves it.

/// <summary>The socket went away (or stopped answering) before the answer came: try again on the next one.</summary>
internal sealed class ConnectionLostException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The gateway asked for the request again later (a retryable error: the broker is down, too many frames).</summary>
internal sealed class RetryableRefusalException(ErrorFrame error) : Exception($"{error.Code}: {error.Message}")
{
    public ErrorFrame Error { get; } = error;
}
