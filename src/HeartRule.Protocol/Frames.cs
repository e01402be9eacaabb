using System.Text.Json;
using System.Text.Json.Serialization;

namespace HeartRule.Protocol;

// The frames of the heartrule.v1 subprotocol (docs/protocol.md). Names are the contract; fields are added,
// never renamed. Every frame is one JSON object with a "type".

public abstract record Frame
{
    [JsonIgnore] public abstract string Type { get; }
}

// Client → server

public sealed record SessionStartFrame : Frame
{
    public override string Type => FrameTypes.SessionStart;
    public required string RequestId { get; init; }
    public required string ScriptId { get; init; }
    public int? Version { get; init; }
    public Dictionary<string, JsonElement>? InitialVariables { get; init; }
    /// <summary>Receive turn.completed with its debug block (LLM calls, all variables by scope).</summary>
    public bool? Debug { get; init; }
}

public sealed record SessionAttachFrame : Frame
{
    public override string Type => FrameTypes.SessionAttach;
    public required string RequestId { get; init; }
    public required Guid SessionId { get; init; }
    public long? LastSeq { get; init; }
    public bool? Debug { get; init; }
}

public sealed record SessionDetachFrame : Frame
{
    public override string Type => FrameTypes.SessionDetach;
    public required Guid SessionId { get; init; }
}

public sealed record InputFrame : Frame
{
    public override string Type => FrameTypes.Input;
    public required string RequestId { get; init; }
    public required Guid SessionId { get; init; }
    public required string ClientMessageId { get; init; }
    public required string Text { get; init; }
}

public sealed record PingFrame : Frame
{
    public override string Type => FrameTypes.Ping;
}

// Server → client

public sealed record SessionStartedFrame : Frame
{
    public override string Type => FrameTypes.SessionStarted;
    public required string RequestId { get; init; }
    public required Guid SessionId { get; init; }
}

public sealed record SessionAttachedFrame : Frame
{
    public override string Type => FrameTypes.SessionAttached;
    public required string RequestId { get; init; }
    public required Guid SessionId { get; init; }
}

public sealed record AckFrame : Frame
{
    public override string Type => FrameTypes.Ack;
    public required string RequestId { get; init; }
    public required string ClientMessageId { get; init; }
}

public sealed record MessageFrame : Frame
{
    public override string Type => FrameTypes.Message;
    public required Guid SessionId { get; init; }
    public required long Seq { get; init; }
    public required Guid MessageId { get; init; }
    public required string Role { get; init; }
    public required string Content { get; init; }
    public string? ActionId { get; init; }
    public JsonElement? Metadata { get; init; }
    public required DateTimeOffset Timestamp { get; init; }
}

public sealed record MessageDeltaFrame : Frame
{
    public override string Type => FrameTypes.MessageDelta;
    public required Guid SessionId { get; init; }
    public required Guid MessageId { get; init; }
    public required int Index { get; init; }
    public required string Text { get; init; }
    /// <summary>True on the last delta of a message the engine dropped: discard what was shown of it.</summary>
    public bool? Discarded { get; init; }
}

public sealed record TurnCompletedFrame : Frame
{
    public override string Type => FrameTypes.TurnCompleted;
    public required Guid SessionId { get; init; }
    public required long Seq { get; init; }
    public required string ExecutionStatus { get; init; }
    public required JsonElement Position { get; init; }
    public required JsonElement ChangedVariables { get; init; }
    public JsonElement? Error { get; init; }
    /// <summary>Only for sockets attached with debug: LLM calls and all variables by scope.</summary>
    public JsonElement? Debug { get; init; }
}

public sealed record ErrorFrame : Frame
{
    public override string Type => FrameTypes.Error;
    public string? RequestId { get; init; }
    public Guid? SessionId { get; init; }
    public required string Code { get; init; }
    public required string Message { get; init; }
    public required bool Retryable { get; init; }
}

public sealed record PongFrame : Frame
{
    public override string Type => FrameTypes.Pong;
}

public static class FrameTypes
{
    public const string SessionStart = "session.start";
    public const string SessionAttach = "session.attach";
    public const string SessionDetach = "session.detach";
    public const string Input = "input";
    public const string Ping = "ping";
    public const string SessionStarted = "session.started";
    public const string SessionAttached = "session.attached";
    public const string Ack = "ack";
    public const string Message = "message";
    public const string MessageDelta = "message.delta";
    public const string TurnCompleted = "turn.completed";
    public const string Error = "error";
    public const string Pong = "pong";
}
