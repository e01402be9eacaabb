using System.ComponentModel.DataAnnotations;
using HeartRule.Engine;
using HeartRule.Infrastructure;
using HeartRule.Infrastructure.Delivery;

namespace HeartRule.ScriptEngine;

public static class Extensions
{
    public static IHostApplicationBuilder AddScriptEngine(this IHostApplicationBuilder builder)
    {
        // "offline" (the default: deterministic, no network) or "openai" (any OpenAI-compatible endpoint).
        var llm = builder.Configuration.GetSection("Llm").Get<LlmOptions>() ?? new LlmOptions();
        var settings = builder.AddValidatedOptions<EngineSettings>("Engine");
        var chat = LlmClientFactory.Create(llm);
        builder.Services.AddSingleton((builder.Configuration.GetSection("Safety").Get<SafetySettings>() ?? new SafetySettings()).ToOptions());
        builder.Services.AddSingleton(settings.SimulatedLlmLatency > TimeSpan.Zero || settings.SimulatedTokenInterval > TimeSpan.Zero
            ? new SimulatedLatencyChatClient(chat, settings.SimulatedLlmLatency, settings.SimulatedTokenInterval)
            : chat);
        // "http://persistence" is resolved by service discovery (services__persistence__http__0).
        builder.Services.AddHttpClient(nameof(ScriptCatalog), c => c.BaseAddress = new Uri("http://persistence")).AddServiceToken();
        // For the service token it signs for Persistence, and the one Sessions must show for /internal/turns.
        builder.AddHeartRuleAuthentication();
        // One catalog per process: its cache is the point. Service discovery resolves the address per request.
        builder.Services.AddSingleton(sp => new ScriptCatalog(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(ScriptCatalog)),
            sp.GetRequiredService<ILogger<ScriptCatalog>>()));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddScoped<TurnRunner>();
        // Engine state travels as a JSON string inside the body: the default encoder would write each of its quotes as \u0022.
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
        // The streamed pieces of AI messages go to the gateways' sockets through Redis. A Redis that is down costs only
        // previews, so it does not make the engine unready.
        builder.AddHeartRuleRedis(healthCheck: false);
        builder.AddSessionEventDelivery();
        return builder;
    }
}

/// <summary>Settings of the hosted engine (section "Engine").</summary>
public sealed class EngineSettings
{
    /// <summary>Forward the LLM's tokens to the client as message.delta frames while a reply is generated.</summary>
    public bool StreamDeltas { get; set; } = true;
    /// <summary>A folder of prompt templates that override the built-in ones, per file: <c>&lt;dir&gt;/&lt;scheme&gt;/&lt;locale&gt;/&lt;name&gt;.md</c>.</summary>
    public string? TemplatesDirectory { get; set; }
    /// <summary>Ask the model for a JSON response format; turn off for OpenAI-compatible servers that reject it.</summary>
    public bool RequestJsonResponse { get; set; } = true;
    /// <summary>Added to every model call (tests and benchmarks); zero in real use.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan SimulatedLlmLatency { get; set; } = TimeSpan.Zero;
    /// <summary>Between streamed tokens of every model reply (tests and benchmarks); zero in real use.</summary>
    public TimeSpan SimulatedTokenInterval { get; set; } = TimeSpan.Zero;
}
