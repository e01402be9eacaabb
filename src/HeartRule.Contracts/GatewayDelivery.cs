namespace HeartRule.Contracts;

/// <summary>
/// Sessions or ScriptEngine → one gateway node, on the node's Redis channel: frames for the sockets that node holds on
/// a session, already serialised once for every socket. <see cref="RoutedFrame.Seq"/> is null for frames outside the session sequence (errors).
/// </summary>
public sealed record GatewayDelivery
{
    public required Guid SessionId { get; init; }
    public required IReadOnlyList<RoutedFrame> Frames { get; init; }
    /// <summary>A socket on the receiving node that gets the unsequenced frames even if it is not attached to the session.</summary>
    public string? ReplyToConnection { get; init; }
    /// <summary>Only <see cref="ReplyToConnection"/> gets the frames, not the session's other sockets.</summary>
    public bool SenderOnly { get; init; }
    /// <summary>The W3C traceparent of the turn that produced the frames, while it is traced: the node's delivery joins its trace.</summary>
    public string? TraceParent { get; init; }
}

/// <param name="DebugJson">The variant for sockets attached with debug (turn.completed with its debug block).</param>
/// <param name="RequestId">For error frames: the request they answer, so only that socket needs them.</param>
/// <param name="Type">The frame's type name, for the gateway's frame counters.</param>
public sealed record RoutedFrame(long? Seq, string Json, string? DebugJson, string? RequestId = null, string? Type = null);
