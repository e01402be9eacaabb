using System.Diagnostics;

namespace HeartRule.Gateway;

/// <summary>
/// The gateway's spans. A turn's trace starts at <see cref="Input"/> (or <see cref="SessionStart"/> for a first
/// turn): the bus carries it on to Sessions, ScriptEngine and Persistence, and the delivery back to the node that
/// holds the socket (<see cref="Deliver"/>).
/// </summary>
public static class GatewayActivities
{
    public const string SourceName = "HeartRule.Gateway";
    public const string Handshake = "WebSocket handshake";
    public const string Input = "gateway.input";
    public const string SessionStart = "gateway.session.start";
    public const string Deliver = "gateway.deliver";

    public const string SessionIdTag = "heartrule.session.id";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>
    /// A new trace for a turn. The socket's receive loop runs outside any activity (the handshake's ended with
    /// it), so each turn gets a trace of its own.
    /// </summary>
    public static Activity? StartTurn(string name, Guid sessionId)
    {
        var activity = Source.StartActivity(name, ActivityKind.Server);
        activity?.SetTag(SessionIdTag, sessionId);
        return activity;
    }

    /// <summary>Frames handed to this node's sockets, in the trace of the turn that produced them (when it is traced).</summary>
    public static Activity? StartDelivery(string? traceParent, Guid sessionId)
    {
        if (!Source.HasListeners()) return null;
        ActivityContext.TryParse(traceParent, null, out var parent);
        var activity = Source.StartActivity(Deliver, ActivityKind.Consumer, parent);
        activity?.SetTag(SessionIdTag, sessionId);
        return activity;
    }
}
