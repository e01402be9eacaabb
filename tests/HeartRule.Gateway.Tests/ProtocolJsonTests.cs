using System.Text;
using System.Text.Json;
using HeartRule.Protocol;

namespace HeartRule.Gateway.Tests;

public class ProtocolJsonTests
{
    private static FrameParseResult Parse(string json) => ProtocolJson.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Valid_input_frame_is_read_with_every_field()
    {
        var id = Guid.NewGuid();
        var result = Parse($$"""{"type":"input","requestId":"r1","sessionId":"{{id}}","clientMessageId":"c1","text":""}""");
        var input = Assert.IsType<InputFrame>(result.Frame);
        Assert.Equal(("r1", id, "c1", ""), (input.RequestId, input.SessionId, input.ClientMessageId, input.Text));
    }

    [Fact]
    public void Type_may_come_after_the_other_fields()
    {
        var result = Parse("""{"requestId":"r1","scriptId":"intake","type":"session.start"}""");
        Assert.Equal("intake", Assert.IsType<SessionStartFrame>(result.Frame).ScriptId);
    }

    [Theory]
    [InlineData("{not json", "INVALID_FRAME", "not valid JSON")]
    [InlineData("[1,2]", "INVALID_FRAME", "one JSON object")]
    [InlineData("""{"requestId":"r9"}""", "INVALID_FRAME", "\"type\"")]
    [InlineData("""{"type":"session.explode"}""", "UNKNOWN_TYPE", "session.explode")]
    [InlineData("""{"type":"input","requestId":"r1","sessionId":"00000000-0000-0000-0000-000000000001","text":"hi"}""", "INVALID_FRAME", "clientMessageId")]
    [InlineData("""{"type":"session.attach","requestId":"r1","sessionId":"00000000-0000-0000-0000-000000000001","lastSeq":"7"}""", "INVALID_FRAME", "lastSeq")]
    [InlineData("""{"type":"input","requestId":"r1","sessionId":"not-a-guid","clientMessageId":"c","text":"x"}""", "INVALID_FRAME", "sessionId")]
    public void Bad_frames_get_a_precise_code_and_message(string json, string code, string mentions)
    {
        var result = Parse(json);
        Assert.Null(result.Frame);
        Assert.Equal(code, result.ErrorCode);
        Assert.Contains(mentions, result.Error!.In("en"), StringComparison.Ordinal);
    }

    [Fact]
    public void Request_id_of_a_bad_frame_is_kept_so_the_client_can_match_the_error()
    {
        var result = Parse("""{"type":"input","requestId":"r42","sessionId":"x"}""");
        Assert.Equal("r42", result.RequestId);
    }

    [Fact]
    public void Serialised_frames_start_with_their_type_and_omit_nulls()
    {
        var json = ProtocolJson.SerializeToString(new ErrorFrame { Code = "FORBIDDEN", Message = "no", Retryable = false });
        Assert.StartsWith("""{"type":"error",""", json);
        Assert.DoesNotContain("requestId", json);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal("FORBIDDEN", doc.RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public void A_bad_frame_is_explained_in_the_readers_language()
    {
        var result = Parse("""{"type":"input","requestId":"r1","sessionId":"00000000-0000-0000-0000-000000000001","text":"hi"}""");
        Assert.Equal("无效的“input”帧：缺少 'clientMessageId'。", result.Error!.In("zh-CN"));
        Assert.Equal("Invalid \"input\" frame: it lacks 'clientMessageId'.", result.Error.In("en"));
    }

    [Fact]
    public void A_session_can_start_in_a_locale_and_a_socket_can_change_its_own()
    {
        var start = Assert.IsType<SessionStartFrame>(Parse("""{"type":"session.start","requestId":"r1","scriptId":"intake_zh","locale":"zh-CN"}""").Frame);
        Assert.Equal("zh-CN", start.Locale);
        var change = Assert.IsType<LocaleChangeFrame>(Parse("""{"type":"locale.change","requestId":"r2","locale":"en"}""").Frame);
        Assert.Equal(("r2", "en"), (change.RequestId, change.Locale));
        Assert.Equal("""{"type":"locale.changed","requestId":"r2","locale":"zh-CN"}""",
            ProtocolJson.SerializeToString(new LocaleChangedFrame { RequestId = "r2", Locale = "zh-CN" }));
    }
}
