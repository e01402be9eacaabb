using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HeartRule.IntegrationTests;

/// <summary>A span as a service exported it. Ids are lower-case hex; attribute values are rendered as strings.</summary>
public sealed record ReceivedSpan(
    string Service,
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    string Scope,
    IReadOnlyDictionary<string, string> Attributes)
{
    /// <summary>OTLP's SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer.</summary>
    public int Kind { get; init; }

    /// <summary>The spans this one links to, as (trace id, span id).</summary>
    public IReadOnlyList<(string TraceId, string SpanId)> Links { get; init; } = [];

    /// <summary>Every event's name and attributes (an exception's message among them) and the status message.</summary>
    public IReadOnlyList<string> OtherText { get; init; } = [];

    public override string ToString() => $"{Service}: {Scope} '{Name}' {TraceId}/{SpanId} <- {ParentSpanId ?? "root"}";
}

/// <summary>A log record as a service exported it. <see cref="Scope"/> is the logger's category.</summary>
public sealed record ReceivedLog(string Service, string? TraceId, string Body, IReadOnlyDictionary<string, string> Attributes)
{
    /// <summary>OTLP's SeverityNumber: 5 debug, 9 information, 13 warning, 17 error.</summary>
    public int Severity { get; init; }

    public string Scope { get; init; } = "";

    public override string ToString() => $"{Service}: [{Severity}] {Scope} {TraceId ?? "-"} {Body}";
}

/// <summary>
/// A small OTLP/HTTP receiver (protobuf encoding) on a random loopback port: what the services export, decoded
/// into spans and log records that tests can wait for. Metrics are accepted and dropped.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly List<ReceivedSpan> _spans = [];
    private readonly List<ReceivedLog> _logs = [];
    private TaskCompletionSource _changed = NewSignal();
    private WebApplication? _app;

    /// <summary>The base address to give exporters as OTEL_EXPORTER_OTLP_ENDPOINT; known once started.</summary>
    public Uri Endpoint { get; private set; } = null!;

    public IReadOnlyList<ReceivedSpan> Spans
    {
        get { lock (_lock) return [.. _spans]; }
    }

    public IReadOnlyList<ReceivedLog> Logs
    {
        get { lock (_lock) return [.. _logs]; }
    }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapPost("/v1/traces", context => ReceiveAsync(context, OtlpDecoder.Traces, _spans));
        _app.MapPost("/v1/logs", context => ReceiveAsync(context, OtlpDecoder.Logs, _logs));
        _app.MapPost("/v1/metrics", context => ReceiveAsync(context, _ => Array.Empty<object>(), null));
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Endpoint = new Uri(address.EndsWith('/') ? address : address + "/");
    }

    private async Task ReceiveAsync<T>(HttpContext context, Func<byte[], IEnumerable<T>> decode, List<T>? into)
    {
        var body = context.Request.Body;
        if (context.Request.Headers.ContentEncoding == "gzip") body = new GZipStream(body, CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, context.RequestAborted);
        if (into is not null)
        {
            var items = decode(buffer.ToArray()).ToList();
            TaskCompletionSource changed;
            lock (_lock)
            {
                into.AddRange(items);
                changed = _changed;
                _changed = NewSignal();
            }
            changed.TrySetResult();
        }
        // An empty Export*ServiceResponse: everything accepted, nothing to retry.
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/x-protobuf";
    }

    /// <summary>Waits (on each arrival, not by polling) until the spans of one trace satisfy <paramref name="complete"/>.</summary>
    public Task<IReadOnlyList<ReceivedSpan>> WaitForTraceAsync(string traceId, Func<IReadOnlyList<ReceivedSpan>, bool> complete, TimeSpan timeout) =>
        WaitForAsync(() => Spans.Where(s => s.TraceId == traceId).ToList(), complete, timeout, $"trace {traceId}");

    /// <summary>Waits until every span received so far satisfies <paramref name="complete"/>; returns them.</summary>
    public Task<IReadOnlyList<ReceivedSpan>> WaitForSpansAsync(Func<IReadOnlyList<ReceivedSpan>, bool> complete, TimeSpan timeout) =>
        WaitForAsync(() => Spans, complete, timeout, "spans");

    public Task<IReadOnlyList<ReceivedLog>> WaitForLogsAsync(Func<IReadOnlyList<ReceivedLog>, bool> complete, TimeSpan timeout) =>
        WaitForAsync(() => Logs, complete, timeout, "logs");

    private async Task<IReadOnlyList<T>> WaitForAsync<T>(Func<IReadOnlyList<T>> read, Func<IReadOnlyList<T>, bool> complete, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Task changed;
            lock (_lock) changed = _changed.Task;
            var items = read();
            if (complete(items)) return items;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"Timed out waiting for {what}; received {items.Count}:{Environment.NewLine}"
                    + string.Join(Environment.NewLine, items.Take(200)));
            }
            try
            {
                await changed.WaitAsync(left);
            }
            catch (TimeoutException)
            {
                // Checked once more above, then reported.
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }
}

/// <summary>
/// Just enough of the protobuf wire format, and of OTLP's messages (opentelemetry-proto's trace, logs and common
/// definitions; field numbers below), to read spans and log records.
/// </summary>
internal static class OtlpDecoder
{
    public static IEnumerable<ReceivedSpan> Traces(byte[] body)
    {
        // ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
        foreach (var resourceSpans in Messages(body, 1))
        {
            // ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
            var service = ServiceName(resourceSpans);
            foreach (var scopeSpans in Messages(resourceSpans, 2))
            {
                // ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
                var scope = ScopeName(scopeSpans);
                foreach (var span in Messages(scopeSpans, 2)) yield return Span(service, scope, span);
            }
        }
    }

    public static IEnumerable<ReceivedLog> Logs(byte[] body)
    {
        // ExportLogsServiceRequest { repeated ResourceLogs resource_logs = 1; }
        foreach (var resourceLogs in Messages(body, 1))
        {
            var service = ServiceName(resourceLogs);
            // ResourceLogs { Resource resource = 1; repeated ScopeLogs scope_logs = 2; }
            foreach (var scopeLogs in Messages(resourceLogs, 2))
            {
                var scope = ScopeName(scopeLogs);
                // ScopeLogs { InstrumentationScope scope = 1; repeated LogRecord log_records = 2; }
                foreach (var record in Messages(scopeLogs, 2))
                {
                    // LogRecord { SeverityNumber severity_number = 2; AnyValue body = 5; repeated KeyValue attributes = 6;
                    //             bytes trace_id = 9; }
                    int severity = 0;
                    string text = "", traceId = "";
                    var attributes = new Dictionary<string, string>();
                    foreach (var field in Fields(record))
                    {
                        switch (field.Number)
                        {
                            case 2: severity = (int)field.Varint; break;
                            case 5: text = AnyValue(field.Bytes); break;
                            case 6: Add(attributes, field.Bytes); break;
                            case 9: traceId = Hex(field.Bytes); break;
                        }
                    }
                    yield return new ReceivedLog(service, traceId.Length == 0 ? null : traceId, text, attributes) { Severity = severity, Scope = scope };
                }
            }
        }
    }

    private static ReceivedSpan Span(string service, string scope, ReadOnlyMemory<byte> span)
    {
        // Span { bytes trace_id = 1; bytes span_id = 2; bytes parent_span_id = 4; string name = 5; SpanKind kind = 6;
        //        repeated KeyValue attributes = 9; repeated Event events = 11; repeated Link links = 13; Status status = 15; }
        string traceId = "", spanId = "", parent = "", name = "";
        var kind = 0;
        var attributes = new Dictionary<string, string>();
        var links = new List<(string, string)>();
        var other = new List<string>();
        foreach (var field in Fields(span))
        {
            switch (field.Number)
            {
                case 1: traceId = Hex(field.Bytes); break;
                case 2: spanId = Hex(field.Bytes); break;
                case 4: parent = Hex(field.Bytes); break;
                case 5: name = Text(field.Bytes); break;
                case 6: kind = (int)field.Varint; break;
                case 9: Add(attributes, field.Bytes); break;
                case 11:
                    // Event { string name = 2; repeated KeyValue attributes = 3; }
                    foreach (var e in Fields(field.Bytes))
                    {
                        if (e.Number == 2) other.Add(Text(e.Bytes));
                        if (e.Number == 3) other.Add(KeyValue(e.Bytes).ToString());
                    }
                    break;
                case 13:
                    // Link { bytes trace_id = 1; bytes span_id = 2; }
                    string linkTrace = "", linkSpan = "";
                    foreach (var l in Fields(field.Bytes))
                    {
                        if (l.Number == 1) linkTrace = Hex(l.Bytes);
                        if (l.Number == 2) linkSpan = Hex(l.Bytes);
                    }
                    links.Add((linkTrace, linkSpan));
                    break;
                case 15:
                    // Status { string message = 2; }
                    foreach (var s in Fields(field.Bytes)) if (s.Number == 2) other.Add(Text(s.Bytes));
                    break;
            }
        }
        return new ReceivedSpan(service, traceId, spanId, parent.Length == 0 ? null : parent, name, scope, attributes)
        {
            Kind = kind,
            Links = links,
            OtherText = other,
        };
    }

    /// <summary>The resource's <c>service.name</c> (Resource { repeated KeyValue attributes = 1; }).</summary>
    private static string ServiceName(ReadOnlyMemory<byte> resourceThing)
    {
        foreach (var resource in Messages(resourceThing, 1))
        {
            foreach (var attribute in Messages(resource, 1))
            {
                var (key, value) = KeyValue(attribute);
                if (key == "service.name") return value;
            }
        }
        return "";
    }

    /// <summary>InstrumentationScope { string name = 1; }, the scope being field 1 of ScopeSpans and ScopeLogs.</summary>
    private static string ScopeName(ReadOnlyMemory<byte> scoped)
    {
        foreach (var scope in Messages(scoped, 1))
        {
            foreach (var field in Fields(scope)) if (field.Number == 1) return Text(field.Bytes);
        }
        return "";
    }

    private static void Add(Dictionary<string, string> attributes, ReadOnlyMemory<byte> keyValue)
    {
        var (key, value) = KeyValue(keyValue);
        attributes[key] = value;
    }

    /// <summary>KeyValue { string key = 1; AnyValue value = 2; }</summary>
    private static (string Key, string Value) KeyValue(ReadOnlyMemory<byte> message)
    {
        string key = "", value = "";
        foreach (var field in Fields(message))
        {
            if (field.Number == 1) key = Text(field.Bytes);
            if (field.Number == 2) value = AnyValue(field.Bytes);
        }
        return (key, value);
    }

    /// <summary>
    /// AnyValue { oneof: string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
    /// ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7; }, as text.
    /// </summary>
    private static string AnyValue(ReadOnlyMemory<byte> message)
    {
        foreach (var field in Fields(message))
        {
            switch (field.Number)
            {
                case 1: return Text(field.Bytes);
                case 2: return field.Varint != 0 ? "true" : "false";
                case 3: return ((long)field.Varint).ToString(CultureInfo.InvariantCulture);
                case 4: return BitConverter.UInt64BitsToDouble(field.Varint).ToString(CultureInfo.InvariantCulture);
                case 5: return "[" + string.Join(", ", Messages(field.Bytes, 1).Select(AnyValue)) + "]";
                case 6: return "{" + string.Join(", ", Messages(field.Bytes, 1).Select(kv => KeyValue(kv)).Select(kv => $"{kv.Key}={kv.Value}")) + "}";
                case 7: return Convert.ToBase64String(field.Bytes.Span);
            }
        }
        return "";
    }

    private static IEnumerable<ReadOnlyMemory<byte>> Messages(ReadOnlyMemory<byte> message, int number) =>
        Fields(message).Where(f => f.Number == number && f.WireType == 2).Select(f => f.Bytes);

    private static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);

    private static string Hex(ReadOnlyMemory<byte> bytes) => Convert.ToHexStringLower(bytes.Span);

    /// <summary>
    /// A message's fields in order: a varint's (or fixed number's) value in <see cref="Field.Varint"/>, a
    /// length-delimited field's bytes in <see cref="Field.Bytes"/>.
    /// </summary>
    private static IEnumerable<Field> Fields(ReadOnlyMemory<byte> message)
    {
        var position = 0;
        while (position < message.Length)
        {
            var tag = ReadVarint(message.Span, ref position);
            var number = (int)(tag >> 3);
            var wireType = (int)(tag & 7);
            switch (wireType)
            {
                case 0:
                    yield return new Field(number, wireType, ReadVarint(message.Span, ref position), default);
                    break;
                case 1:
                    yield return new Field(number, wireType, BinaryPrimitives.ReadUInt64LittleEndian(message.Span.Slice(position, 8)), default);
                    position += 8;
                    break;
                case 2:
                    var length = checked((int)ReadVarint(message.Span, ref position));
                    yield return new Field(number, wireType, 0, message.Slice(position, length));
                    position += length;
                    break;
                case 5:
                    yield return new Field(number, wireType, BinaryPrimitives.ReadUInt32LittleEndian(message.Span.Slice(position, 4)), default);
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"Unsupported protobuf wire type {wireType} (field {number}).");
            }
        }
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> bytes, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = bytes[position++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return value;
        }
        throw new InvalidDataException("Malformed varint.");
    }

    private readonly record struct Field(int Number, int WireType, ulong Varint, ReadOnlyMemory<byte> Bytes);
}
