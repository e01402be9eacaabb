using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;

namespace HeartRule.Engine;

public static class LlmClientFactory
{
    public static IChatClient Create(LlmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        switch ((options.Provider ?? "offline").Trim().ToLowerInvariant())
        {
            case "" or "offline":
                return new OfflineChatClient();
            case "openai" or "openai-compatible" or "azure" or "deepseek" or "volcano" or "ollama" or "vllm":
                var clientOptions = new OpenAIClientOptions
                {
                    // Timeouts and retries are ours (ResilientChatClient), so they behave the same for streaming and
                    // report typed errors; the SDK's own retry would multiply attempts.
                    RetryPolicy = new ClientRetryPolicy(0),
                    NetworkTimeout = Timeout.InfiniteTimeSpan,
                };
                if (!string.IsNullOrWhiteSpace(options.BaseUrl)) clientOptions.Endpoint = new Uri(options.BaseUrl);
                var key = string.IsNullOrEmpty(options.ApiKey) ? "not-needed" : options.ApiKey;
                var inner = new OpenAIClient(new ApiKeyCredential(key), clientOptions).GetChatClient(options.Model).AsIChatClient();
                return new ResilientChatClient(inner, TimeSpan.FromSeconds(options.TimeoutSeconds), options.MaxRetries,
                    TimeSpan.FromSeconds(options.RetryBaseDelaySeconds));
            default:
                throw new ArgumentException($"Unknown LLM provider '{options.Provider}'; use 'offline' or 'openai'", nameof(options));
        }
    }
}
