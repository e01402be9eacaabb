using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using HeartRule.Contracts;
using HeartRule.Localization;

namespace HeartRule.Protocol;

/// <summary>Reads and writes frames. Writing puts "type" first; reading reports what is wrong in words a client can act on.</summary>
public static partial class ProtocolJson
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

    /// <summary>Parses one frame. Never throws for bad input: the result says what is wrong, in words to render in the reader's language.</summary>
    public static FrameParseResult Parse(ReadOnlySpan<byte> utf8)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(utf8.ToArray());
        }
        catch (JsonException ex)
        {
            return FrameParseResult.Fail(ErrorCodes.InvalidFrame, LocalText.Of("error.frameNotJson", ("detail", ex.Message)), null);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                return FrameParseResult.Fail(ErrorCodes.InvalidFrame, LocalText.Of("error.frameNotObject"), null);
            string? requestId = doc.RootElement.TryGetProperty("requestId", out var rid) && rid.ValueKind == JsonValueKind.String ? rid.GetString() : null;
            if (!doc.RootElement.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
                return FrameParseResult.Fail(ErrorCodes.InvalidFrame, LocalText.Of("error.frameNoType"), requestId);
            var type = typeElement.GetString()!;
            if (!FrameTypes.ByName.TryGetValue(type, out var clrType))
                return FrameParseResult.Fail(ErrorCodes.UnknownType, LocalText.Of("error.unknownFrameType", ("type", type)), requestId);
            try
            {
                var frame = (Frame?)doc.RootElement.Deserialize(clrType, Options);
                return frame is null
                    ? FrameParseResult.Fail(ErrorCodes.InvalidFrame, LocalText.Of("error.frameEmpty"), requestId)
                    : new FrameParseResult(frame, null, null, requestId);
            }
            catch (JsonException ex)
            {
                var missing = MissingProperties().Match(ex.Message);
                var why = missing.Success ? LocalText.Of("error.frameMissingFields", ("type", type), ("fields", missing.Groups["fields"].Value))
                    : string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? LocalText.Of("error.frameWrongTypeNoPath", ("type", type))
                    : LocalText.Of("error.frameWrongType", ("type", type), ("path", ex.Path));
                return FrameParseResult.Fail(ErrorCodes.InvalidFrame, why, requestId);
            }
        }
    }

    // System.Text.Json's "… was missing required properties including: 'text'." names the fields a frame lacks.
    [GeneratedRegex(@"missing required properties including: (?<fields>.+?)\.(?: Path|$)")]
    private static partial Regex MissingProperties();
}

/// <param name="Error">What is wrong, to render in the reader's language.</param>
public sealed record FrameParseResult(Frame? Frame, string? ErrorCode, LocalText? Error, string? RequestId)
{
    public static FrameParseResult Fail(string code, LocalText error, string? requestId) => new(null, code, error, requestId);
}
