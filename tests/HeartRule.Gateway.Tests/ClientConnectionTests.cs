using System.IO.Pipelines;
using System.Net.WebSockets;
using HeartRule.Gateway.Connections;
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
        var connection = new ClientConnection(socket, "slow", new TokenBucket(10, 10, TimeProvider.System), options, NullLogger.Instance);
        var run = connection.RunAsync((_, _) => Task.CompletedTask);

        // One frame is stuck in the socket, eight wait in the queue; the next one overflows it.
        for (var i = 0; i < 1000 && !connection.IsClosed; i++)
        {
            connection.Send("{\"type\":\"pong\"}");
            await Task.Yield();
        }

        Assert.True(await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(10))) == run, "the connection did not end");
        Assert.True(connection.IsClosed);
        Assert.Equal(WebSocketState.Aborted, socket.State);
        Assert.Equal(1, stream.WriteAttempts);
    }
}
