using System.Net.WebSockets;
using System.Text;
using HeartRule.Protocol;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace HeartRule.Gateway.Tests;

public class GatewayMetricsTests
{
    [Fact]
    public async Task Frames_are_counted_in_and_out_by_type()
    {
        var (metrics, meters) = TestMetrics.Create();
        using var received = new MetricCollector<long>(meters, GatewayMetrics.MeterName, GatewayMetrics.FramesReceivedInstrument);
        using var sent = new MetricCollector<long>(meters, GatewayMetrics.MeterName, GatewayMetrics.FramesSentInstrument);
        var (_, _, client, _, _) = ClientConnectionTests.Connect(metrics, (connection, frame) =>
        {
            if (frame is PingFrame) connection.Send(new PongFrame());
            return Task.CompletedTask;
        });

        await client.SendAsync(Encoding.UTF8.GetBytes("{\"type\":\"ping\"}"), WebSocketMessageType.Text, true, CancellationToken.None);
        await client.SendAsync(new byte[] { 1, 2 }, WebSocketMessageType.Binary, true, CancellationToken.None);
        var buffer = new byte[256];
        for (var i = 0; i < 2; i++) await client.ReceiveAsync(buffer.AsMemory(), CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([FrameTypes.Ping, GatewayMetrics.BinaryFrame], received.GetMeasurementSnapshot().Select(m => m.Tags[GatewayMetrics.FrameTypeTag]));
        Assert.Equal([FrameTypes.Pong, FrameTypes.Error], sent.GetMeasurementSnapshot().Select(m => m.Tags[GatewayMetrics.FrameTypeTag]));
    }

    [Fact]
    public async Task Handshake_refusals_are_counted_by_reason_and_status()
    {
        var (metrics, meters) = TestMetrics.Create();
        using var refusals = new MetricCollector<long>(meters, GatewayMetrics.MeterName, GatewayMetrics.HandshakeRefusalsInstrument);

        await WebSocketHandshakeTests.RefusalAsync(
            "GET /ws HTTP/1.1\r\nHost: gw\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 8\r\n\r\n", metrics);

        var refusal = Assert.Single(refusals.GetMeasurementSnapshot());
        Assert.Equal(1, refusal.Value);
        Assert.Equal("unsupported_version", refusal.Tags[GatewayMetrics.ReasonTag]);
        Assert.Equal(426, refusal.Tags[GatewayMetrics.StatusTag]);
    }

    [Fact]
    public void Open_sockets_are_observed_for_the_node()
    {
        var (_, meters) = TestMetrics.Create();
        using var sockets = new MetricCollector<int>(meters, GatewayMetrics.MeterName, GatewayMetrics.ConnectionsInstrument);

        sockets.RecordObservableInstruments();

        var observed = Assert.Single(sockets.GetMeasurementSnapshot());
        Assert.Equal(0, observed.Value);
        Assert.NotNull(observed.Tags[GatewayMetrics.NodeTag]);
    }
}
