using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using HeartRule.Contracts;

namespace HeartRule.Protocol;

/// <summary>Reads and writes frames. Writing puts "type" first; reading reports what is wrong in words a client can act on.</summary>
public static class ProtocolJson
{
    public const string SubProtocol = "heartrule.v1";

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // A number sent as a string is a client bug worth reporting, not silently accepting.
        NumberHandling = JsonNumberHandling.Strict,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        RespectNullableAnnotations = true,
        // Frames are read by people in the debug console: keep "+" and non-ASCII text readable.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static byte[] Serialize(Frame frame) => JsonSerializer.SerializeToUtf8Bytes(frame, Options);

    public static string SerializeToString(Frame frame) => System.Text.Encoding.UTF8.GetString(Serialize(frame));

    /// <summary>Parses one frame. Never throws for bad input: the result says what is wrong.</summary>
    public static FrameParseResult Parse(ReadOnlySpan<byte> utf8)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(utf8.ToArray());
        }
        catch (JsonException ex)
        {
            return FrameParseResult.Fail(ErrorCodes.InvalidFrame, $"The frame is not valid JSON ({ex.Message}).", null);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                return FrameParseResult.Fail(ErrorCodes.InvalidFrame, "A frame must be one JSON object.", null);
            string? requestId = doc.RootElement.TryGetProperty("requestId", out var rid) && rid.ValueKind == JsonValueKind.String ? rid.GetString() : null;
            if (!doc.RootElement.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
                return FrameParseResult.Fail(ErrorCodes.InvalidFrame, "The frame has no string field \"type\".", requestId);
            var type = typeElement.GetString()!;
            if (!FrameTypes.ByName.TryGetValue(type, out var clrType))
                return FrameParseResult.Fail(ErrorCodes.UnknownType, $"Unknown frame type \"{type}\".", requestId);
            try
            {
                var frame = (Frame?)doc.RootElement.Deserialize(clrType, Options);
                return frame is null
                    ? FrameParseResult.Fail(ErrorCodes.InvalidFrame, "The frame is empty.", requestId)
                    : new FrameParseResult(frame, null, null, requestId);
            }
            catch (JsonException ex)
            {
                var where = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "" : $" at {ex.Path}";
                var why = ex.Message.Contains("missing required properties", StringComparison.Ordinal)
                    ? ex.Message[..(ex.Message.IndexOf(". Path", StringComparison.Ordinal) is var i and > 0 ? i : ex.Message.Length)]
                    : "a field has the wrong type";
                return FrameParseResult.Fail(ErrorCodes.InvalidFrame, $"Invalid \"{type}\" frame{where}: {why}.", requestId);
            }
        }
    }
}

public sealed record FrameParseResult(Frame? Frame, string? ErrorCode, string? ErrorMessage, string? RequestId)
{
    public static FrameParseResult Fail(string code, string message, string? requestId) => new(null, code, message, requestId);
}

