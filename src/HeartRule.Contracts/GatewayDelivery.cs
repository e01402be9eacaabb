namespace HeartRule.Contracts;

/// <summary>
/// Gateway router → one gateway node: frames for the sockets that node holds on a session, already serialised
/// once for every socket. <see cref="RoutedFrame.Seq"/> is null for frames outside the session sequence (errors).
/// </summary>
public sealed record GatewayDelivery
{
    public required Guid SessionId { get; init; }
    public required IReadOnlyList<RoutedFrame> Frames { get; init; }
    /// <summary>A socket on the receiving node that gets the unsequenced frames even if it is not attached to the session.</summary>
    public string? ReplyToConnection { get; init; }
    /// <summary>Only <see cref="ReplyToConnection"/> gets the frames, not the session's other sockets.</summary>
    public bool SenderOnly { get; init; }
}

/// <param name="DebugJson">The variant for sockets attached with debug (turn.completed with its debug block).</param>
/// <param name="RequestId">For error frames: the request they answer, so only that socket needs them.</param>
/// <param name="Type">The frame's type name, for the gateway's frame counters; null from a router older than it.</param>
public sealed record RoutedFrame(long? Seq, string Json, string? DebugJson, string? RequestId = null, string? Type = null);
