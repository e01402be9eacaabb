using System.ComponentModel.DataAnnotations;
using HeartRule.Engine;
using HeartRule.Infrastructure;

namespace HeartRule.ScriptEngine;

public static class Extensions
{
    public static IHostApplicationBuilder AddScriptEngine(this IHostApplicationBuilder builder)
    {
        // "offline" (the default: deterministic, no network) or "openai" (any OpenAI-compatible endpoint).
        var llm = builder.Configuration.GetSection("Llm").Get<LlmOptions>() ?? new LlmOptions();
        var settings = builder.AddValidatedOptions<EngineSettings>("Engine");
        var chat = LlmClientFactory.Create(llm);
        builder.Services.AddSingleton(settings.SimulatedLlmLatency > TimeSpan.Zero ? new SimulatedLatencyChatClient(chat, settings.SimulatedLlmLatency) : chat);
        // "http://persistence" is resolved by service discovery (services__persistence__http__0).
        builder.Services.AddHttpClient(nameof(ScriptCatalog), c => c.BaseAddress = new Uri("http://persistence")).AddServiceToken();
        // Not for its own routes (it has none but health): for the service token it signs for Persistence.
        builder.AddHeartRuleAuthentication();
        // One catalog per process: its cache is the point. Service discovery resolves the address per request.
        builder.Services.AddSingleton(sp => new ScriptCatalog(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(ScriptCatalog)),
            sp.GetRequiredService<ILogger<ScriptCatalog>>()));
        // A turn mostly waits (the model, the broker's confirm of each streamed delta), so the endpoint runs many at
        // once; MassTransit's default (16 here) capped a node at ~55 turns/s with streaming on (docs/benchmarks.md).
        builder.AddHeartRuleMessaging(x => x.AddConsumer<ExecuteTurnConsumer>()
            .Endpoint(e => e.PrefetchCount = settings.ConcurrentTurns));
        return builder;
    }
}

/// <summary>Settings of the hosted engine (section "Engine").</summary>
public sealed class EngineSettings
{
    /// <summary>Forward the LLM's tokens to the client as message.delta frames while a reply is generated.</summary>
    public bool StreamDeltas { get; set; } = true;
    /// <summary>A folder of prompt templates that override the built-in ones (per file).</summary>
    public string? TemplatesDirectory { get; set; }
    /// <summary>Ask the model for a JSON response format; turn off for OpenAI-compatible servers that reject it.</summary>
    public bool RequestJsonResponse { get; set; } = true;
    /// <summary>Turns one instance runs at once (the execute-turn endpoint's prefetch).</summary>
    [Range(1, 10_000)]
    public int ConcurrentTurns { get; set; } = 128;
    /// <summary>Added to every model call (tests and benchmarks); zero in real use.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan SimulatedLlmLatency { get; set; } = TimeSpan.Zero;
}
