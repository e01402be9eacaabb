using System.Text.Json;

namespace HeartRule.LoadTest;

/// <summary>Reads a frame's "type" without parsing the rest: the server writes it first, and the hot paths only need that.</summary>
public static class FrameSniffer
{
    public static bool TypeIs(ReadOnlySpan<byte> frame, ReadOnlySpan<byte> type)
    {
        var reader = new Utf8JsonReader(frame);
        try
        {
            return reader.Read() && reader.TokenType == JsonTokenType.StartObject
                && reader.Read() && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("type"u8)
                && reader.Read() && reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(type);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
