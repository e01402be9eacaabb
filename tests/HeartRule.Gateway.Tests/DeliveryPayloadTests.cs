using System.Text.Json;
using HeartRule.Contracts;
using HeartRule.Infrastructure.Delivery;

namespace HeartRule.Gateway.Tests;

/// <summary>What Sessions and ScriptEngine write by hand around serialised frames is what the gateway reads as a contract.</summary>
public class DeliveryPayloadTests
{
    private static readonly RoutedFrame[] Frames =
    [
        new(7, """{"type":"message","content":"say \"hi\" — 你好"}""", null, Type: "message"),
        new(8, """{"type":"turn.completed"}""", """{"type":"turn.completed","debug":{"x":1}}""", Type: "turn.completed"),
        new(null, """{"type":"error"}""", null, "r1", "error"),
    ];

    [Fact]
    public void A_delivery_reads_back_as_the_contract_with_every_field()
    {
        var sessionId = Guid.NewGuid();
        var payload = DeliveryKeys.Delivery(sessionId, [.. Frames.Select(DeliveryKeys.Serialize)], "conn-1", senderOnly: true, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

        var read = JsonSerializer.Deserialize<GatewayDelivery>(payload, DeliveryKeys.Json)!;

        Assert.Equal(sessionId, read.SessionId);
        Assert.Equal(Frames, read.Frames);
        Assert.Equal("conn-1", read.ReplyToConnection);
        Assert.True(read.SenderOnly);
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", read.TraceParent);
    }

    [Fact]
    public void A_delivery_without_its_optional_fields_reads_back_without_them()
    {
        var read = JsonSerializer.Deserialize<GatewayDelivery>(DeliveryKeys.Delivery(Guid.Empty, [DeliveryKeys.Serialize(Frames[0])], null, false, null), DeliveryKeys.Json)!;

        Assert.Equal([Frames[0]], read.Frames);
        Assert.Null(read.ReplyToConnection);
        Assert.False(read.SenderOnly);
        Assert.Null(read.TraceParent);
    }

    [Fact]
    public void An_event_log_entry_reads_back_as_the_frame()
    {
        Assert.All(Frames, f => Assert.Equal(f, JsonSerializer.Deserialize<RoutedFrame>(DeliveryKeys.Serialize(f), DeliveryKeys.Json)));
    }
}
