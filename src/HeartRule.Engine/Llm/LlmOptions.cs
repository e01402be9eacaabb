namespace HeartRule.Engine;

/// <summary>Which model to use. Provider "offline" (default) needs nothing else; "openai" needs BaseUrl/Model and usually ApiKey.</summary>
public sealed class LlmOptions
{
    public string Provider { get; set; } = "offline";
    /// <summary>OpenAI-compatible endpoint, e.g. https://api.openai.com/v1, http://localhost:11434/v1 (Ollama), https://ark.cn-beijing.volces.com/api/v3.</summary>
    public string? BaseUrl { get; set; }
    public string? ApiKey { get; set; }
    public string Model { get; set; } = "gpt-4o-mini";
    /// <summary>Per attempt; the caller's own cancellation still applies on top.</summary>
    public double TimeoutSeconds { get; set; } = 25;
    /// <summary>Extra attempts after a transient failure (HTTP 408/429/5xx, network errors, timeouts).</summary>
    public int MaxRetries { get; set; } = 2;
    /// <summary>Delay before the first retry; doubles each time.</summary>
    public double RetryBaseDelaySeconds { get; set; } = 0.5;
}
