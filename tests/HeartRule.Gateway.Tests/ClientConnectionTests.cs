using System.IO.Pipelines;
using System.Net.WebSockets;
using HeartRule.Contracts;
using HeartRule.Gateway.Connections;
using HeartRule.Localization;
using HeartRule.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace HeartRule.Gateway.Tests;

public class ClientConnectionTests
{
    /// <summary>A peer that never reads: every write blocks forever.</summary>
    private sealed class StalledStream : Stream
    {
        private readonly Pipe _incoming = new();
        public int WriteAttempts;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var result = await _incoming.Reader.ReadAsync(cancellationToken);
            return result.IsCompleted ? 0 : throw new InvalidOperationException("no data expected");
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref WriteAttempts);
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
    }

    [Fact]
    public async Task A_reader_that_stalls_is_cut_off_once_its_send_queue_is_full()
    {
        var stream = new StalledStream();
        using var socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true });
        var options = new GatewayOptions { SendQueueCapacity = 8 };
        var connection = new ClientConnection(socket, "slow", new TokenBucket(10, 10, TimeProvider.System), options, TestMetrics.Unobserved(), NullLogger.Instance);
        var run = connection.RunAsync((_, _) => Task.CompletedTask);

        // One frame is stuck in the socket, eight wait in the queue; the next one overflows it.
        for (var i = 0; i < 1000 && !connection.IsClosed; i++)
        {
            connection.Send("{\"type\":\"pong\"}", FrameTypes.Pong);
            await Task.Yield();
        }

        Assert.True(await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(10))) == run, "the connection did not end");
        Assert.True(connection.IsClosed);
        Assert.Equal(WebSocketState.Aborted, socket.State);
        Assert.Equal(1, stream.WriteAttempts);
    }

    [Fact]
    public async Task The_queue_holds_exactly_its_capacity_behind_the_frame_being_sent()
    {
        var stream = new StalledStream();
        using var socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true });
        var connection = new ClientConnection(socket, "slow", new TokenBucket(10, 10, TimeProvider.System), new GatewayOptions { SendQueueCapacity = 8 }, TestMetrics.Unobserved(), NullLogger.Instance);
        var run = connection.RunAsync((_, _) => Task.CompletedTask);

        connection.Send("{\"type\":\"pong\"}", FrameTypes.Pong);
        for (var i = 0; i < 500 && stream.WriteAttempts == 0; i++) await Task.Delay(10);
        Assert.Equal(1, stream.WriteAttempts);
        for (var i = 0; i < 8; i++) connection.Send("{\"type\":\"pong\"}", FrameTypes.Pong);
        await Task.Delay(100);
        Assert.False(connection.IsClosed);
        Assert.False(run.IsCompleted);

        connection.Send("{\"type\":\"pong\"}", FrameTypes.Pong);
        Assert.True(await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(10))) == run, "the overflow did not end the connection");
        Assert.Equal(WebSocketState.Aborted, socket.State);
    }

    /// <summary>A running connection whose peer is a client socket over in-memory pipes.</summary>
    internal static (SocketPair Pair, WebSocket Server, WebSocket Client, ClientConnection Connection, Task Run) Connect(
        GatewayMetrics? metrics = null, Func<ClientConnection, Frame, Task>? onFrame = null)
    {
        var pair = new SocketPair();
        var server = pair.Server();
        var connection = new ClientConnection(server, "user", new TokenBucket(10, 10, TimeProvider.System), new GatewayOptions(),
            metrics ?? TestMetrics.Unobserved(), NullLogger.Instance);
        return (pair, server, pair.Client(), connection, connection.RunAsync(onFrame ?? ((_, _) => Task.CompletedTask)));
    }

    [Fact]
    public async Task Frames_go_out_in_order_and_the_close_after_them_and_nothing_after_the_close()
    {
        var (pair, server, client, connection, run) = Connect();

        for (var i = 0; i < 50; i++) connection.Send($"{{\"n\":{i}}}", "test");
        connection.RequestClose((WebSocketCloseStatus)1012, "service restart");
        connection.Send("{\"n\":\"late\"}", "test");

        var received = new List<string>();
        var buffer = new byte[256];
        while (true)
        {
            var result = await client.ReceiveAsync(buffer.AsMemory(), CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            if (result.MessageType == WebSocketMessageType.Close) break;
            received.Add(System.Text.Encoding.UTF8.GetString(buffer, 0, result.Count));
        }
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"{{\"n\":{i}}}"), received);
        Assert.Equal((WebSocketCloseStatus)1012, client.CloseStatus);
        Assert.Equal("service restart", client.CloseStatusDescription);

        await client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        Assert.True(await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(10))) == run, "the connection did not end after the close handshake");
        Assert.True(connection.IsClosed);
        Assert.Equal(WebSocketState.Closed, server.State);
    }

    [Fact]
    public async Task A_sender_comes_back_for_frames_sent_after_the_queue_ran_dry()
    {
        var (pair, server, client, connection, run) = Connect();
        var buffer = new byte[256];
        for (var i = 0; i < 3; i++)
        {
            connection.Send($"{{\"n\":{i}}}", "test");
            var result = await client.ReceiveAsync(buffer.AsMemory(), CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal($"{{\"n\":{i}}}", System.Text.Encoding.UTF8.GetString(buffer, 0, result.Count));
            await Task.Delay(50); // the sender finds the queue empty and ends
            Assert.False(connection.IsClosed);
        }
        await pair.ToServer.Writer.CompleteAsync(); // the client goes away
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(connection.IsClosed);
    }
    [Fact]
    public async Task Frames_queued_while_a_command_awaits_its_confirm_go_out_after_its_ack()
    {
        var (_, _, client, connection, _) = Connect();

        connection.Send("{\"n\":0}", "test");
        connection.HoldFrames();
        connection.Send("{\"n\":1}", "test"); // the command's answer, faster than the broker's confirm
        connection.SendError(ErrorCodes.RateLimited, LocalText.Of("error.tooManyFrames"));
        connection.ReleaseHeld(new AckFrame { RequestId = "r1", ClientMessageId = "c1" });
        connection.HoldFrames();
        connection.Send("{\"n\":2}", "test");
        connection.ReleaseHeld(null); // the socket closed meanwhile: what was held still goes, in order

        var received = new List<string>();
        var buffer = new byte[1024];
        while (received.Count < 5)
        {
            var result = await client.ReceiveAsync(buffer.AsMemory(), CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            received.Add(System.Text.Encoding.UTF8.GetString(buffer, 0, result.Count));
        }
        Assert.Equal("{\"n\":0}", received[0]);
        Assert.Contains("\"type\":\"ack\"", received[1]);
        Assert.Equal("{\"n\":1}", received[2]);
        Assert.Contains("\"type\":\"error\"", received[3]);
        Assert.Equal("{\"n\":2}", received[4]);
    }
}
