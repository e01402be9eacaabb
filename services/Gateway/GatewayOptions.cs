using System.ComponentModel.DataAnnotations;

namespace HeartRule.Gateway;

/// <summary>Limits and policies of a gateway node (section "Gateway").</summary>
public sealed class GatewayOptions
{
    /// <summary>Origins allowed to open a WebSocket besides the gateway's own (cross-site WebSocket hijacking).</summary>
    public string[] AllowedOrigins { get; set; } = [];
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxFrameBytes { get; set; } = 1024 * 1024;
    /// <summary>Frames waiting for a slow reader; past this the socket is closed rather than the node's memory growing.</summary>
    [Range(1, 1_000_000)]
    public int SendQueueCapacity { get; set; } = 256;
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(20);
    /// <summary>From its first byte, a WebSocket handshake's request head must arrive within this, or the connection is closed (slowloris).</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:10:00")]
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>A socket that sends nothing (no frame, no ping) for this long is closed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(120);
    /// <summary>How long a node's claim on a session lives in Redis without a heartbeat.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RouteLease { get; set; } = TimeSpan.FromSeconds(30);
    [Range(typeof(TimeSpan), "00:00:00.1", "01:00:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);
    [Range(1, 100_000)]
    public int MaxConnectionsPerUser { get; set; } = 16;
    /// <summary>Frames a socket may send per second, sustained, and in one burst.</summary>
    [Range(0.01, 1_000_000)]
    public double ConnectionFramesPerSecond { get; set; } = 20;
    [Range(1, 1_000_000)]
    public double ConnectionBurst { get; set; } = 40;
    /// <summary>Frames all of a user's sockets on this node may send per second, sustained, and in one burst.</summary>
    [Range(0.01, 1_000_000)]
    public double UserFramesPerSecond { get; set; } = 50;
    [Range(1, 1_000_000)]
    public double UserBurst { get; set; } = 100;
    /// <summary>Rate-limited frames in a row after which the socket is closed (1008).</summary>
    [Range(1, 1_000_000)]
    public int RateLimitStrikes { get; set; } = 20;
    /// <summary>
    /// How long an input or a session start waits for the broker to take it before the client is told
    /// SERVICE_UNAVAILABLE (retryable) instead of an ack.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:05:00")]
    public TimeSpan AcceptTimeout { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>How long before a socket's token expires it is sent auth.expiring (time to refresh).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan TokenExpiryWarning { get; set; } = TimeSpan.FromSeconds(60);
    /// <summary>How often the sockets' token expiries are checked.</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:01:00")]
    public TimeSpan TokenCheckInterval { get; set; } = TimeSpan.FromSeconds(1);
}
