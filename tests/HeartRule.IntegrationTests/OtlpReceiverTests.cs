using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace HeartRule.IntegrationTests;

/// <summary>The test's OTLP receiver on its own, fed by the real OpenTelemetry SDK's exporter (no app needed).</summary>
public sealed class OtlpReceiverTests : IAsyncLifetime
{
    private readonly OtlpReceiver _receiver = new();

    public Task InitializeAsync() => _receiver.StartAsync();

    public Task DisposeAsync() => _receiver.DisposeAsync().AsTask();

    [Fact]
    public async Task Spans_exported_over_http_protobuf_are_decoded()
    {
        using var source = new ActivitySource("HeartRule.Test");
        using (var tracing = Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(r => r.AddService("otlp-test"))
            .AddSource(source.Name)
            .AddOtlpExporter(o => Configure(o, "v1/traces"))
            .Build())
        {
            using (var parent = source.StartActivity("parent.op", ActivityKind.Server))
            {
                parent!.SetTag("heartrule.session.id", "s-1");
                using var child = source.StartActivity("child.op", ActivityKind.Client, default(ActivityContext),
                    links: [new ActivityLink(new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded))]);
                child!.SetTag("gen_ai.usage.input_tokens", 12);
                child.SetTag("flag", true);
                child.SetTag("ratio", 0.5);
                child.SetTag("list", new[] { "a", "b" });
            }
            tracing!.ForceFlush();
        }

        var spans = await _receiver.WaitForSpansAsync(s => s.Count == 2, TimeSpan.FromSeconds(10));
        var parentSpan = Assert.Single(spans, s => s.Name == "parent.op");
        var childSpan = Assert.Single(spans, s => s.Name == "child.op");
        Assert.All(spans, s => Assert.Equal(("otlp-test", "HeartRule.Test"), (s.Service, s.Scope)));
        Assert.Null(parentSpan.ParentSpanId);
        Assert.Equal(parentSpan.SpanId, childSpan.ParentSpanId);
        Assert.Equal(parentSpan.TraceId, childSpan.TraceId);
        Assert.Matches("^[0-9a-f]{32}$", parentSpan.TraceId);
        Assert.Matches("^[0-9a-f]{16}$", parentSpan.SpanId);
        Assert.Equal((2, 3), (parentSpan.Kind, childSpan.Kind));
        Assert.Equal("s-1", parentSpan.Attributes["heartrule.session.id"]);
        Assert.Equal("12", childSpan.Attributes["gen_ai.usage.input_tokens"]);
        Assert.Equal("true", childSpan.Attributes["flag"]);
        Assert.Equal("0.5", childSpan.Attributes["ratio"]);
        Assert.Equal("[a, b]", childSpan.Attributes["list"]);
        Assert.Single(childSpan.Links);
    }

    [Fact]
    public async Task Log_records_are_decoded_with_their_trace_id()
    {
        using var source = new ActivitySource("HeartRule.Test.Logs");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s == source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        string traceId;
        using (var logging = LoggerFactory.Create(b => b.AddOpenTelemetry(o =>
        {
            o.SetResourceBuilder(ResourceBuilder.CreateDefault().AddService("otlp-logs"));
            o.IncludeFormattedMessage = true;
            o.IncludeScopes = true;
            o.AddOtlpExporter(e => Configure(e, "v1/logs"));
        })))
        {
            var logger = logging.CreateLogger("HeartRule.Test.Category");
            using var activity = source.StartActivity("op")!;
            traceId = activity.TraceId.ToHexString();
            using (logger.BeginScope(new Dictionary<string, object> { ["sessionId"] = "s-9" }))
            {
                logger.LogInformation("Turn {Number} done", 3);
            }
        }

        var logs = await _receiver.WaitForLogsAsync(l => l.Count >= 1, TimeSpan.FromSeconds(10));
        var log = Assert.Single(logs);
        Assert.Equal(("otlp-logs", traceId, "Turn 3 done"), (log.Service, log.TraceId, log.Body));
        Assert.Equal((9, "HeartRule.Test.Category"), (log.Severity, log.Scope));
        Assert.Equal("3", log.Attributes["Number"]);
        Assert.Equal("s-9", log.Attributes["sessionId"]);
    }

    private void Configure(OtlpExporterOptions options, string signal)
    {
        options.Endpoint = new Uri(_receiver.Endpoint, signal);
        options.Protocol = OtlpExportProtocol.HttpProtobuf;
        options.ExportProcessorType = ExportProcessorType.Simple;
    }
}
