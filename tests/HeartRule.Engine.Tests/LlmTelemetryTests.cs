using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;

namespace HeartRule.Engine.Tests;

/// <summary>Every model call is a span and a measurement: model, tokens and latency, never what was said.</summary>
public class LlmTelemetryTests
{
    private const string Secret = "my sister's name is Ilse";

    /// <summary>A model with a name of its own (tests run in parallel on the same meter) that reports its usage.</summary>
    private sealed class CountingChatClient(string model) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, $"{{\"content\":\"You said: {Secret}\"}}"))
            {
                ModelId = model,
                FinishReason = ChatFinishReason.Stop,
                Usage = new UsageDetails { InputTokenCount = 120, OutputTokenCount = 17 },
            });

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    [Fact]
    public async Task A_call_records_model_tokens_and_latency_without_the_text()
    {
        var model = "model-" + Guid.NewGuid().ToString("N");
        var tokens = new List<(long Value, string? Type)>();
        var durations = new List<double>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == LlmTelemetry.Name) listener.EnableMeasurementEvents(instrument);
        };
        meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == LlmTelemetry.TokensInstrument && Tag(tags, LlmTelemetry.ModelTag) == model)
                lock (tokens) tokens.Add((value, Tag(tags, LlmTelemetry.TokenTypeTag)));
        });
        meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (instrument.Name == LlmTelemetry.DurationInstrument && Tag(tags, LlmTelemetry.ModelTag) == model)
                lock (durations) durations.Add(value);
        });
        meters.Start();
        var spans = new List<Activity>();
        using var traces = new ActivityListener
        {
            ShouldListenTo = source => source.Name == LlmTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem(LlmTelemetry.ModelTag) as string == model) lock (spans) spans.Add(activity);
            },
        };
        ActivitySource.AddActivityListener(traces);

        var script = Yaml.Session("""
            - action_type: ai_say
              action_id: hello
              config: { content: Hello, require_acknowledgment: false }
            """);
        await new ScriptExecutor(new CountingChatClient(model)).StartAsync(script, null, ct: CancellationToken.None);

        Assert.Contains((120L, "input"), tokens);
        Assert.Contains((17L, "output"), tokens);
        Assert.NotEmpty(durations);
        var span = Assert.Single(spans);
        Assert.Equal(LlmTelemetry.CallSpan, span.OperationName);
        Assert.Equal(120, span.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.Equal(17, span.GetTagItem("gen_ai.usage.output_tokens"));
        Assert.NotNull(span.GetTagItem("heartrule.llm.latency_ms"));
        Assert.DoesNotContain(span.TagObjects, t => t.Value?.ToString()?.Contains("Ilse", StringComparison.Ordinal) == true);
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == name) return tag.Value as string;
        }
        return null;
    }
}
