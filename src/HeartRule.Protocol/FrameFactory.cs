using System.Text.Json;
using HeartRule.Contracts;

namespace HeartRule.Protocol;

/// <summary>Turns bus events and stored events into protocol frames, serialised once for every socket.</summary>
public static class FrameFactory
{
    private static readonly JsonSerializerOptions Json = ProtocolJson.Options;

    public static List<RoutedFrame> FromTurn(TurnCompleted turn)
    {
        var frames = new List<RoutedFrame>(turn.Messages.Count + 1);
        foreach (var m in turn.Messages)
        {
            frames.Add(new RoutedFrame(m.Seq, ProtocolJson.SerializeToString(new MessageFrame
            {
                SessionId = turn.SessionId, Seq = m.Seq, MessageId = m.MessageId, Role = m.Role, Content = m.Content,
                ActionId = m.ActionId, Metadata = m.Metadata, Timestamp = m.Timestamp,
            }), null, Type: FrameTypes.Message));
        }
        var s = turn.Summary;
        var summary = new TurnCompletedFrame
        {
            SessionId = turn.SessionId, Seq = s.Seq, ExecutionStatus = s.ExecutionStatus,
            Position = JsonSerializer.SerializeToElement(s.Position, Json),
            ChangedVariables = JsonSerializer.SerializeToElement(s.ChangedVariables, Json),
            Error = s.Error is null ? null : JsonSerializer.SerializeToElement(s.Error, Json),
        };
        var debug = summary with { Debug = JsonSerializer.SerializeToElement(new { llmCalls = s.LlmCalls, variables = s.Variables }, Json) };
        frames.Add(new RoutedFrame(s.Seq, ProtocolJson.SerializeToString(summary), ProtocolJson.SerializeToString(debug), Type: FrameTypes.TurnCompleted));
        return frames;
    }

    public static RoutedFrame FromRejection(TurnRejected rejected) => new(null, ProtocolJson.SerializeToString(new ErrorFrame
    {
        RequestId = rejected.RequestId, SessionId = rejected.SessionId, Code = rejected.Error.Code,
        Message = rejected.Error.Message, Retryable = rejected.Error.Retryable,
    }), null, rejected.RequestId, FrameTypes.Error);

    public static RoutedFrame FromDelta(MessageDeltaProduced delta) => new(null, ProtocolJson.SerializeToString(new MessageDeltaFrame
    {
        SessionId = delta.SessionId, MessageId = delta.MessageId, Index = delta.Index, Text = delta.Text,
        Discarded = delta.Discarded ? true : null,
    }), null, Type: FrameTypes.MessageDelta);

    public static RoutedFrame FromStored(Guid sessionId, StoredEvent e)
    {
        if (e.Kind == "message")
        {
            return new RoutedFrame(e.Seq, ProtocolJson.SerializeToString(new MessageFrame
            {
                SessionId = sessionId, Seq = e.Seq, MessageId = e.MessageId!.Value, Role = e.Role!, Content = e.Content!,
                ActionId = e.ActionId, Metadata = e.Metadata, Timestamp = e.Timestamp,
            }), null, Type: FrameTypes.Message);
        }
        var summary = new TurnCompletedFrame
        {
            SessionId = sessionId, Seq = e.Seq, ExecutionStatus = e.ExecutionStatus!,
            Position = e.Position ?? default, ChangedVariables = e.ChangedVariables ?? default, Error = e.Error,
        };
        return new RoutedFrame(e.Seq, ProtocolJson.SerializeToString(summary), ProtocolJson.SerializeToString(summary with { Debug = e.Debug }),
            Type: FrameTypes.TurnCompleted);
    }
}
