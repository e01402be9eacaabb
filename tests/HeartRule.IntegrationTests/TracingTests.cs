using System.Globalization;

namespace HeartRule.IntegrationTests;

/// <summary>
/// One turn is one trace across the four services (docs/architecture.md, "Observability"), as the services export
/// it over OTLP to the fixture's receiver — and nothing a client typed or the model replied is in it.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class TracingTests(SystemFixture system)
{
    private const string NpgsqlScope = "Npgsql";
    private const string RedisScope = "OpenTelemetry.Instrumentation.StackExchangeRedis";
    private static readonly string[] Services = ["gateway", "sessions", "scriptengine", "persistence"];

    [Fact]
    public async Task An_input_turn_is_one_trace_across_the_four_services_without_conversation_text()
    {
        // Distinctive, so that finding it anywhere in the telemetry can only mean it leaked.
        const string typed = "Zebulon-7741";
        await using var client = await system.ConnectAsync("tracing");
        var (sessionId, _) = await client.StartAsync("intake");
        var turn = await client.SayAsync(sessionId, typed);
        var replies = turn.AiTexts.ToList();
        Assert.Equal(["Nice to meet you, Zebulon-7741. What brings you here today?"], replies);

        var telemetry = system.Telemetry;
        var all = await telemetry.WaitForSpansAsync(s => s.Any(IsInputOf(sessionId)), TimeSpan.FromSeconds(30));
        var traceId = all.Single(IsInputOf(sessionId)).TraceId;
        var trace = await telemetry.WaitForTraceAsync(traceId, IsComplete, TimeSpan.FromSeconds(30));

        // Started by the gateway's input span, which is the trace's one root: every other span hangs under it.
        var root = Assert.Single(trace, s => s.ParentSpanId is null);
        Assert.Equal(("gateway", "HeartRule.Gateway", "gateway.input"), (root.Service, root.Scope, root.Name));
        Assert.Equal(Services.Order(), trace.Select(s => s.Service).Distinct().Order());

        // Each model call of the turn (the answer's extraction, the reply) is a span with its model and token counts.
        var calls = trace.Where(s => s.Name == "llm.call").ToList();
        Assert.NotEmpty(calls);
        Assert.All(calls, call =>
        {
            Assert.Equal(("scriptengine", "HeartRule.Engine"), (call.Service, call.Scope));
            Assert.False(string.IsNullOrEmpty(call.Attributes["gen_ai.response.model"]));
            Assert.True(int.Parse(call.Attributes["gen_ai.usage.input_tokens"], CultureInfo.InvariantCulture) > 0);
            Assert.True(int.Parse(call.Attributes["gen_ai.usage.output_tokens"], CultureInfo.InvariantCulture) > 0);
        });

        var batch = Assert.Single(trace, s => s.Name == "persistence.write_batch");
        Assert.Equal(("persistence", "HeartRule.Persistence"), (batch.Service, batch.Scope));
        Assert.Contains(batch.Links, l => l.TraceId == traceId);
        Assert.Contains(trace, s => s.Scope == NpgsqlScope && s.Service == "persistence");
        // Redis: the gateway's (ownership, input number) and Sessions' (the session record, the event log, the routes).
        Assert.Contains(trace, s => s.Scope == RedisScope && s.Service == "gateway");
        Assert.Contains(trace, s => s.Scope == RedisScope && s.Service == "sessions");
        // The turn's events reach the client's node through Redis, not the bus: its delivery is still in the trace.
        Assert.Contains(trace, s => (s.Service, s.Scope, s.Name) == ("gateway", "HeartRule.Gateway", "gateway.deliver"));

        // Nothing the client typed or the model wrote, in any span received (not only this trace's).
        var received = telemetry.Spans;
        foreach (var text in replies.Append(typed))
        {
            Assert.DoesNotContain(received, s => Mentions(s, text));
        }

        // The services' log lines of the turn carry its trace id; none at Information or above carries its text.
        var logs = await telemetry.WaitForLogsAsync(l => l.Any(r => r.TraceId == traceId), TimeSpan.FromSeconds(30));
        Assert.Contains(logs, r => r.TraceId == traceId && Services.Contains(r.Service));
        foreach (var text in replies.Append(typed))
        {
            Assert.DoesNotContain(logs, r => r.Severity >= 9
                && (r.Body.Contains(text, StringComparison.Ordinal) || r.Attributes.Values.Any(v => v.Contains(text, StringComparison.Ordinal))));
        }
    }

    private static Func<ReceivedSpan, bool> IsInputOf(Guid sessionId) => s =>
        s.Name == "gateway.input"
        && s.Attributes.TryGetValue("heartrule.session.id", out var id)
        && string.Equals(id, sessionId.ToString(), StringComparison.OrdinalIgnoreCase);

    /// <summary>Every part of a turn is in, and every span's parent is too (no piece of the trace is detached).</summary>
    private static bool IsComplete(IReadOnlyList<ReceivedSpan> trace)
    {
        var ids = trace.Select(s => s.SpanId).ToHashSet();
        return Services.All(service => trace.Any(s => s.Service == service))
            && trace.Any(s => s.Name == "gateway.input")
            && trace.Any(s => s.Name == "llm.call")
            && trace.Any(s => s.Name == "persistence.write_batch")
            && trace.Any(s => s.Name == "gateway.deliver")
            && trace.Any(s => s.Scope == NpgsqlScope)
            // Redis command spans are exported some seconds late: the instrumentation drains its profiler on a timer.
            && trace.Any(s => s.Scope == RedisScope && s.Service == "gateway")
            && trace.Any(s => s.Scope == RedisScope && s.Service == "sessions")
            && trace.All(s => s.ParentSpanId is null || ids.Contains(s.ParentSpanId));
    }

    private static bool Mentions(ReceivedSpan span, string text) =>
        span.Name.Contains(text, StringComparison.Ordinal)
        || span.Attributes.Values.Any(v => v.Contains(text, StringComparison.Ordinal))
        || span.OtherText.Any(v => v.Contains(text, StringComparison.Ordinal));
}
