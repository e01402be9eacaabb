using System.Net.WebSockets;
using HeartRule.Protocol;

namespace HeartRule.Client;

/// <summary>Something a <see cref="HeartRuleConnection"/> tells its application, in the order it happened.</summary>
public abstract record ConnectionEvent;

/// <summary>An event of one session.</summary>
public abstract record SessionEvent(Guid SessionId) : ConnectionEvent;

/// <summary>A socket is open and every session of the connection is attached on it again.</summary>
/// <param name="Resumed">False for the first socket; true for one that replaced a lost socket.</param>
public sealed record Connected(Uri Gateway, bool Resumed) : ConnectionEvent;

/// <summary>The socket was lost or closed by the gateway; the connection is reconnecting.</summary>
public sealed record Disconnected(Uri Gateway, WebSocketCloseStatus? CloseStatus, string? Reason) : ConnectionEvent;

/// <summary>A connection attempt failed; the next one follows after <paramref name="Delay"/>.</summary>
public sealed record Reconnecting(int Attempt, TimeSpan Delay, Exception? Error) : ConnectionEvent;

/// <summary>
/// A message of the conversation, each once and in <c>seq</c> order. If an AI message was previewed, this replaces
/// the preview (same <see cref="MessageFrame.MessageId"/>).
/// </summary>
public sealed record MessageReceived(MessageFrame Message) : SessionEvent(Message.SessionId);

/// <summary>The AI message being written, as far as it has arrived: show <paramref name="Text"/> in its place.</summary>
public sealed record MessagePreview(Guid SessionId, Guid MessageId, string Text) : SessionEvent(SessionId);

/// <summary>
/// Remove the preview of this message. <paramref name="Discarded"/>: the engine dropped the message (it will not
/// come); otherwise its stream was cut off by a lost socket, and the final message comes in the resume's replay.
/// </summary>
public sealed record MessagePreviewRemoved(Guid SessionId, Guid MessageId, bool Discarded) : SessionEvent(SessionId);

/// <summary>The end of a turn (<c>turn.completed</c>), once and in <c>seq</c> order.</summary>
public sealed record TurnEnded(TurnCompletedFrame Turn) : SessionEvent(Turn.SessionId);

/// <summary>An input was durably accepted: it will be answered.</summary>
public sealed record InputAcknowledged(Guid SessionId, string ClientMessageId) : SessionEvent(SessionId);

/// <summary>
/// The gateway refused to attach a session again after a reconnect (e.g. <c>SESSION_NOT_FOUND</c>: it was deleted):
/// the connection has let go of it.
/// </summary>
public sealed record SessionLost(Guid SessionId, string Code, string Message) : SessionEvent(SessionId);

/// <summary>An <c>error</c> frame that answers no request of the connection's (e.g. <c>RATE_LIMITED</c>).</summary>
public sealed record ErrorReceived(ErrorFrame Error) : ConnectionEvent;

/// <summary>The socket's token was replaced (<c>auth.refreshed</c>): it holds until <paramref name="ExpiresAt"/>.</summary>
public sealed record TokenRefreshed(DateTimeOffset ExpiresAt) : ConnectionEvent;

/// <summary>Any other frame, as it came: <c>safety.alert</c>, <c>locale.changed</c>, ….</summary>
public sealed record FrameReceived(Frame Frame) : ConnectionEvent;
