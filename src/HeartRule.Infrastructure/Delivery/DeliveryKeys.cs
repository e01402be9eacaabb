using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using HeartRule.Contracts;
using StackExchange.Redis;

namespace HeartRule.Infrastructure.Delivery;

/// <summary>What the gateways and the services that deliver to them agree on in Redis: the keys, the channels, the format.</summary>
public static class DeliveryKeys
{
    /// <summary>
    /// Frames carry their JSON as strings: the default encoder would write each of its quotes as \u0022. Read only as JSON.
    /// </summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A session's recent events, a sorted set scored by seq.</summary>
    public static RedisKey EventLog(Guid sessionId) => $"hr:events:{sessionId}";

    /// <summary>The connection map: for each gateway node holding sockets on the session, the expiry of its claim (Unix ms).</summary>
    public static RedisKey Routes(Guid sessionId) => $"hr:routes:{sessionId}";

    /// <summary>A gateway node's channel: deliveries for the sockets it holds.</summary>
    public static RedisChannel NodeChannel(string nodeId) => RedisChannel.Literal($"hr:node:{nodeId}");

    /// <summary>A frame as the event log holds it and a delivery carries it.</summary>
    public static byte[] Serialize(RoutedFrame frame) => JsonSerializer.SerializeToUtf8Bytes(frame, Json);

    private static readonly JsonEncodedText SessionIdName = Name(nameof(GatewayDelivery.SessionId));
    private static readonly JsonEncodedText FramesName = Name(nameof(GatewayDelivery.Frames));
    private static readonly JsonEncodedText ReplyToConnectionName = Name(nameof(GatewayDelivery.ReplyToConnection));
    private static readonly JsonEncodedText SenderOnlyName = Name(nameof(GatewayDelivery.SenderOnly));
    private static readonly JsonEncodedText TraceParentName = Name(nameof(GatewayDelivery.TraceParent));

    private static JsonEncodedText Name(string property) => JsonEncodedText.Encode(Json.PropertyNamingPolicy!.ConvertName(property));

    /// <summary>
    /// A <see cref="GatewayDelivery"/> (read back with <see cref="Json"/>) around frames already serialised by
    /// <see cref="Serialize"/>: a turn's frames, the engine state's variables and the debug block among them, are
    /// written once for the event log and once more for every delivery otherwise.
    /// </summary>
    public static byte[] Delivery(Guid sessionId, IReadOnlyList<byte[]> frames, string? replyToConnection, bool senderOnly, string? traceParent)
    {
        var buffer = new ArrayBufferWriter<byte>(frames.Sum(f => f.Length) + 256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Json.Encoder }))
        {
            writer.WriteStartObject();
            writer.WriteString(SessionIdName, sessionId);
            writer.WriteStartArray(FramesName);
            foreach (var frame in frames) writer.WriteRawValue(frame, skipInputValidation: true);
            writer.WriteEndArray();
            if (replyToConnection is not null) writer.WriteString(ReplyToConnectionName, replyToConnection);
            if (senderOnly) writer.WriteBoolean(SenderOnlyName, true);
            if (traceParent is not null) writer.WriteString(TraceParentName, traceParent);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The nodes whose claim is still alive.</summary>
    public static IReadOnlyList<string> LiveNodes(HashEntry[] routes, DateTimeOffset now)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var nodes = new List<string>(routes.Length);
        foreach (var e in routes)
        {
            if (long.TryParse((string?)e.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var expiry) && expiry > nowMs) nodes.Add((string)e.Name!);
        }
        return nodes;
    }
}
