using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
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
