namespace HeartRule.Engine;

/// <summary>A model call exceeded its per-call timeout (distinct from the caller cancelling).</summary>
public sealed class LlmTimeoutException(string message, Exception? inner = null) : TimeoutException(message, inner);
