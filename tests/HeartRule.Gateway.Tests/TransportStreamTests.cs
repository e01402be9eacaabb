using System.Net.WebSockets;
using System.Text;
using HeartRule.Gateway.Connections;

namespace HeartRule.Gateway.Tests;

public class TransportStreamTests
{
    [Fact]
    public async Task A_zero_byte_read_waits_for_data_and_consumes_none_of_it()
    {
        var pair = new SocketPair();
        var stream = new TransportStream(pair.ServerTransport);
        var wait = stream.ReadAsync(Memory<byte>.Empty).AsTask();
        await Task.Delay(50);
        Assert.False(wait.IsCompleted);

        await pair.ToServer.Writer.WriteAsync("hello"u8.ToArray());
        Assert.Equal(0, await wait.WaitAsync(TimeSpan.FromSeconds(5)));
        // Again at once: the data is still there.
        Assert.Equal(0, await stream.ReadAsync(Memory<byte>.Empty).AsTask().WaitAsync(TimeSpan.FromSeconds(5)));

        var buffer = new byte[3];
        Assert.Equal(3, await stream.ReadAsync(buffer));
        Assert.Equal("hel", Encoding.ASCII.GetString(buffer));
        Assert.Equal(2, await stream.ReadAsync(buffer));
        Assert.Equal("lo", Encoding.ASCII.GetString(buffer, 0, 2));
    }

    [Fact]
    public async Task At_the_end_of_the_connection_reads_return_zero()
    {
        var pair = new SocketPair();
        var stream = new TransportStream(pair.ServerTransport);
        await pair.ToServer.Writer.CompleteAsync();
        Assert.Equal(0, await stream.ReadAsync(Memory<byte>.Empty));
        Assert.Equal(0, await stream.ReadAsync(new byte[8]));
    }

    [Fact]
    public async Task Disposing_wakes_a_pending_read()
    {
        var pair = new SocketPair();
        var stream = new TransportStream(pair.ServerTransport);
        var read = stream.ReadAsync(new byte[8]).AsTask();
        stream.Dispose();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_frame_already_buffered_when_the_socket_is_made_is_its_first_message()
    {
        var pair = new SocketPair();
        // A client's masked text frame, sent in the same write as its handshake.
        var payload = "{\"type\":\"ping\"}"u8.ToArray();
        byte[] mask = [1, 2, 3, 4];
        var frame = new byte[] { 0x81, (byte)(0x80 | payload.Length) }.Concat(mask).Concat(payload.Select((b, i) => (byte)(b ^ mask[i % 4]))).ToArray();
        await pair.ToServer.Writer.WriteAsync(frame);

        using var server = pair.Server();
        var peek = await server.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None);
        Assert.Equal(WebSocketMessageType.Text, peek.MessageType);
        var buffer = new byte[64];
        var result = await server.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
        Assert.True(result.EndOfMessage);
        Assert.Equal("{\"type\":\"ping\"}", Encoding.UTF8.GetString(buffer, 0, result.Count));
    }

    [Fact]
    public async Task Writes_reach_the_peer()
    {
        var pair = new SocketPair();
        using var server = pair.Server();
        using var client = pair.Client();
        await server.SendAsync("{\"type\":\"pong\"}"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[64];
        var result = await client.ReceiveAsync(buffer.AsMemory(), CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("{\"type\":\"pong\"}", Encoding.UTF8.GetString(buffer, 0, result.Count));
    }
}
