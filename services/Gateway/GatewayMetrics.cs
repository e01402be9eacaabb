using System.Diagnostics.Metrics;
using HeartRule.Gateway.Connections;
using HeartRule.Gateway.Routing;

namespace HeartRule.Gateway;

/// <summary>
/// The gateway's instruments (meter <see cref="MeterName"/>). Every tag value is a fixed string (a frame's type
/// name, a refusal's reason), so counting a frame allocates nothing.
/// </summary>
public sealed class GatewayMetrics
{
    public const string MeterName = "HeartRule.Gateway";
    public const string ConnectionsInstrument = "heartrule.gateway.connections";
    public const string FramesReceivedInstrument = "heartrule.gateway.frames.received";
    public const string FramesSentInstrument = "heartrule.gateway.frames.sent";
    public const string HandshakeRefusalsInstrument = "heartrule.gateway.handshake.refusals";

    public const string NodeTag = "heartrule.gateway.node";
    public const string FrameTypeTag = "heartrule.frame.type";
    public const string ReasonTag = "heartrule.refusal.reason";
    public const string StatusTag = "http.response.status_code";

    /// <summary>Frame types for what did not parse as a frame.</summary>
    public const string InvalidFrame = "invalid";
    public const string BinaryFrame = "binary";
    /// <summary>A frame in the event log from a version that predates frame types.</summary>
    public const string UnknownFrame = "unknown";
    /// <summary>A handshake whose head did not arrive within the handshake timeout; it gets no answer.</summary>
    public const string TimeoutReason = "timeout";

    private readonly Counter<long> _framesReceived;
    private readonly Counter<long> _framesSent;
    private readonly Counter<long> _handshakeRefusals;

    public GatewayMetrics(IMeterFactory meters, ConnectionRegistry connections, NodeIdentity node)
    {
        var meter = meters.Create(MeterName);
        var nodeTag = new KeyValuePair<string, object?>(NodeTag, node.Id);
        meter.CreateObservableUpDownCounter(ConnectionsInstrument, () => new Measurement<int>(connections.Count, nodeTag),
            unit: "{connection}", description: "Open WebSockets on this gateway node.");
        _framesReceived = meter.CreateCounter<long>(FramesReceivedInstrument, unit: "{frame}", description: "Frames clients sent, by type.");
        _framesSent = meter.CreateCounter<long>(FramesSentInstrument, unit: "{frame}", description: "Frames queued to clients, by type.");
        _handshakeRefusals = meter.CreateCounter<long>(HandshakeRefusalsInstrument, unit: "{handshake}",
            description: "WebSocket handshakes refused, by reason and HTTP status.");
    }

    public void FrameReceived(string type) => _framesReceived.Add(1, new KeyValuePair<string, object?>(FrameTypeTag, type));

    public void FrameSent(string type) => _framesSent.Add(1, new KeyValuePair<string, object?>(FrameTypeTag, type));

    public void HandshakeRefused(HandshakeRejection rejection) =>
        _handshakeRefusals.Add(1, new KeyValuePair<string, object?>(ReasonTag, rejection.Reason), new KeyValuePair<string, object?>(StatusTag, rejection.Status));

    public void HandshakeTimedOut() => _handshakeRefusals.Add(1, new KeyValuePair<string, object?>(ReasonTag, TimeoutReason));
}
