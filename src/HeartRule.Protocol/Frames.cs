using System.Text.Json;
using System.Text.Json.Serialization;

namespace HeartRule.Protocol;

// The frames of the heartrule.v1 subprotocol (docs/protocol.md). Names are the contract; fields are added,
// never renamed. Every frame is one JSON object with a "type".

// Written through the base type, the discriminator goes first; read per concrete type (ProtocolJson.Parse).
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(SessionStartFrame), FrameTypes.SessionStart)]
[JsonDerivedType(typeof(SessionAttachFrame), FrameTypes.SessionAttach)]
[JsonDerivedType(typeof(SessionDetachFrame), FrameTypes.SessionDetach)]
[JsonDerivedType(typeof(InputFrame), FrameTypes.Input)]
[JsonDerivedType(typeof(PingFrame), FrameTypes.Ping)]
[JsonDerivedType(typeof(SessionStartedFrame), FrameTypes.SessionStarted)]
[JsonDerivedType(typeof(SessionAttachedFrame), FrameTypes.SessionAttached)]
[JsonDerivedType(typeof(AckFrame), FrameTypes.Ack)]
[JsonDerivedType(typeof(MessageFrame), FrameTypes.Message)]
[JsonDerivedType(typeof(MessageDeltaFrame), FrameTypes.MessageDelta)]
[JsonDerivedType(typeof(TurnCompletedFrame), FrameTypes.TurnCompleted)]
[JsonDerivedType(typeof(ErrorFrame), FrameTypes.Error)]
[JsonDerivedType(typeof(PongFrame), FrameTypes.Pong)]
[JsonDerivedType(typeof(AuthRefreshFrame), FrameTypes.AuthRefresh)]
[JsonDerivedType(typeof(AuthExpiringFrame), FrameTypes.AuthExpiring)]
[JsonDerivedType(typeof(AuthRefreshedFrame), FrameTypes.AuthRefreshed)]
[JsonDerivedType(typeof(LocaleChangeFrame), FrameTypes.LocaleChange)]
[JsonDerivedType(typeof(LocaleChangedFrame), FrameTypes.LocaleChanged)]
[JsonDerivedType(typeof(SafetySubscribeFrame), FrameTypes.SafetySubscribe)]
[JsonDerivedType(typeof(SafetySubscribedFrame), FrameTypes.SafetySubscribed)]
[JsonDerivedType(typeof(SafetyAlertFrame), FrameTypes.SafetyAlert)]
[JsonDerivedType(typeof(CounsellorTakeFrame), FrameTypes.CounsellorTake)]
[JsonDerivedType(typeof(CounsellorSayFrame), FrameTypes.CounsellorSay)]
[JsonDerivedType(typeof(CounsellorReleaseFrame), FrameTypes.CounsellorRelease)]
public abstract record Frame
{
    [JsonIgnore] public string Type => FrameTypes.NameOf(GetType());
}

// Client → server

public sealed record SessionStartFrame : Frame
{
    public required string RequestId { get; init; }
    public required string ScriptId { get; init; }
    public int? Version { get; init; }
    public Dictionary<string, JsonElement>? InitialVariables { get; init; }
    /// <summary>Receive turn.completed with its debug block (LLM calls, all variables by scope).</summary>
    public bool? Debug { get; init; }
    /// <summary>The session's language (a BCP 47 tag); by default the script's <c>metadata.language</c>, else English.</summary>
    public string? Locale { get; init; }
}

public sealed record SessionAttachFrame : Frame
{
    public required string RequestId { get; init; }
    public required Guid SessionId { get; init; }
    public long? LastSeq { get; init; }
    public bool? Debug { get; init; }
}

public sealed record SessionDetachFrame : Frame
{
    public required Guid SessionId { get; init; }
}

public sealed record InputFrame : Frame
{
    public required string RequestId { get; init; }
    public required Guid SessionId { get; init; }
    public required string ClientMessageId { get; init; }
    public required string Text { get; init; }
}

public sealed record PingFrame : Frame
{
}

// Server → client

public sealed record SessionStartedFrame : Frame
{
    public required string RequestId { get; init; }
    public required Guid SessionId { get; init; }
}

public sealed record SessionAttachedFrame : Frame
{
    public required string RequestId { get; init; }
    public required Guid SessionId { get; init; }
}

public sealed record AckFrame : Frame
{
    public required string RequestId { get; init; }
    public required string ClientMessageId { get; init; }
}

public sealed record MessageFrame : Frame
{
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
    public required Guid SessionId { get; init; }
    public required Guid MessageId { get; init; }
    public required int Index { get; init; }
    public required string Text { get; init; }
    /// <summary>True on the last delta of a message the engine dropped: discard what was shown of it.</summary>
    public bool? Discarded { get; init; }
}

public sealed record TurnCompletedFrame : Frame
{
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
    public string? RequestId { get; init; }
    public Guid? SessionId { get; init; }
    public required string Code { get; init; }
    public required string Message { get; init; }
    public required bool Retryable { get; init; }
}

public sealed record PongFrame : Frame
{
}

public static class FrameTypes
{
    /// <summary>Frame type name → CLR type, from the discriminators declared on <see cref="Frame"/>: the one list.</summary>
    public static readonly IReadOnlyDictionary<string, Type> ByName = typeof(Frame)
        .GetCustomAttributes(typeof(JsonDerivedTypeAttribute), inherit: false).Cast<JsonDerivedTypeAttribute>()
        .ToDictionary(a => (string)a.TypeDiscriminator!, a => a.DerivedType);

    private static readonly IReadOnlyDictionary<Type, string> NamesByType = ByName.ToDictionary(kv => kv.Value, kv => kv.Key);

    public static string NameOf(Type frameType) => NamesByType[frameType];

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
    public const string AuthRefresh = "auth.refresh";
    public const string AuthExpiring = "auth.expiring";
    public const string AuthRefreshed = "auth.refreshed";
    public const string LocaleChange = "locale.change";
    public const string LocaleChanged = "locale.changed";
    public const string SafetySubscribe = "safety.subscribe";
    public const string SafetySubscribed = "safety.subscribed";
    public const string SafetyAlert = "safety.alert";
    public const string CounsellorTake = "counsellor.take";
    public const string CounsellorSay = "counsellor.say";
    public const string CounsellorRelease = "counsellor.release";
}

/// <summary>Client → server: a new token for this socket (the same user), checked like a handshake's.</summary>
public sealed record AuthRefreshFrame : Frame
{
    public string? RequestId { get; init; }
    public required string Token { get; init; }
}

/// <summary>Server → client: the socket's token expires at <see cref="ExpiresAt"/>; send auth.refresh before then.</summary>
public sealed record AuthExpiringFrame : Frame
{
    public required DateTimeOffset ExpiresAt { get; init; }
}

/// <summary>Server → client: the new token is in force until <see cref="ExpiresAt"/>.</summary>
public sealed record AuthRefreshedFrame : Frame
{
    public string? RequestId { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
}

/// <summary>Client → server: word this socket's error messages in another language (a BCP 47 tag).</summary>
public sealed record LocaleChangeFrame : Frame
{
    public string? RequestId { get; init; }
    public required string Locale { get; init; }
}

/// <summary>Server → client: the socket's error messages are now in <see cref="Locale"/> (the closest language there is).</summary>
public sealed record LocaleChangedFrame : Frame
{
    public string? RequestId { get; init; }
    public required string Locale { get; init; }
}

/// <summary>Client → server (counsellors and admins): push this socket every session the safety net flags from now on.</summary>
public sealed record SafetySubscribeFrame : Frame
{
    public string? RequestId { get; init; }
}

/// <summary>Server → client: alerts follow as <see cref="SafetyAlertFrame"/>; the queue so far is <c>GET /api/safety/flags</c>.</summary>
public sealed record SafetySubscribedFrame : Frame
{
    public string? RequestId { get; init; }
}

/// <summary>Server → subscribed counsellors: a session was flagged (levels and rule ids, never the client's words).</summary>
public sealed record SafetyAlertFrame : Frame
{
    public required Guid SessionId { get; init; }
    /// <summary>The seq of the turn that raised it: with the session id, the flag's identity (an alert may come twice).</summary>
    public required long Seq { get; init; }
    public required string RiskLevel { get; init; }
    public string? Reason { get; init; }
    public required string ScriptId { get; init; }
    public required IReadOnlyList<string> Evidence { get; init; }
    public required DateTimeOffset FlaggedAt { get; init; }
}

/// <summary>Client → server (counsellors): take a flagged conversation over; the AI pauses and the client's inputs come to you.</summary>
public sealed record CounsellorTakeFrame : Frame
{
    public required string RequestId { get; init; }
    public required Guid SessionId { get; init; }
    /// <summary>Unique per command, reused on retry (as an input's).</summary>
    public required string ClientMessageId { get; init; }
}

/// <summary>Client → server (the counsellor holding the conversation): a message to the client, delivered as <c>role: counsellor</c>.</summary>
public sealed record CounsellorSayFrame : Frame
{
    public required string RequestId { get; init; }
    public required Guid SessionId { get; init; }
    public required string ClientMessageId { get; init; }
    public required string Text { get; init; }
}

/// <summary>Client → server (the holder): hand the conversation back; the script goes on from where it waited.</summary>
public sealed record CounsellorReleaseFrame : Frame
{
    public required string RequestId { get; init; }
    public required Guid SessionId { get; init; }
    public required string ClientMessageId { get; init; }
}
