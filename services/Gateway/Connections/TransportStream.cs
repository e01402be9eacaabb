using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace HeartRule.Gateway.Connections;

/// <summary>
/// A Kestrel connection's transport as the <see cref="Stream"/> a WebSocket reads and writes. Reads come from
/// the transport's buffers, so bytes the client sent right behind the handshake are read first. A zero-byte
/// read waits for data without taking any: an idle socket holds no receive buffer.
/// </summary>
public sealed class TransportStream(IDuplexPipe transport) : Stream
{
    private readonly PipeReader _input = transport.Input;
    private readonly PipeWriter _output = transport.Output;
    private bool _disposed;

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var result = await _input.ReadAsync(cancellationToken);
        // Only Dispose cancels a pending read: the WebSocket is being aborted.
        if (result.IsCanceled) throw new OperationCanceledException("The transport stream was disposed.");
        var data = result.Buffer;
        if (data.IsEmpty || buffer.IsEmpty)
        {
            // Zero-byte read: nothing consumed, nothing examined, so the next read returns at once. Empty data means the peer ended.
            _input.AdvanceTo(data.Start);
            return 0;
        }
        var count = (int)Math.Min(data.Length, buffer.Length);
        data.Slice(0, count).CopyTo(buffer.Span);
        _input.AdvanceTo(data.GetPosition(count));
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var result = await _output.WriteAsync(buffer, cancellationToken);
        if (result.IsCanceled) throw new OperationCanceledException("The transport stream was disposed.");
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // PipeWriter.WriteAsync flushes: there is never anything left to flush.
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public override void Flush() { }

    /// <summary>Wakes a read or write that is waiting, so aborting the WebSocket never hangs; Kestrel closes the transport itself.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _input.CancelPendingRead();
            _output.CancelPendingFlush();
        }
        base.Dispose(disposing);
    }

    // A WebSocket only reads and writes asynchronously.
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
