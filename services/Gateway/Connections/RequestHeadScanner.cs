using System.Buffers;

namespace HeartRule.Gateway.Connections;

public enum HeadScan
{
    /// <summary>Not an HTTP/1.1 <c>GET /ws</c>: leave it to the HTTP pipeline.</summary>
    NotWebSocket,
    /// <summary>Too few bytes to tell, or the head has not ended yet.</summary>
    Incomplete,
    /// <summary>A <c>GET /ws</c> head, ended by an empty line.</summary>
    Complete,
    /// <summary>A <c>GET /ws</c> head longer than <see cref="RequestHeadScanner.MaxHeadBytes"/>.</summary>
    TooLarge,
}

/// <summary>
/// Tells, from the first bytes of a connection and without consuming them, whether it opens with an HTTP/1.1
/// <c>GET /ws</c> request line (any query string), and where that request's head ends.
/// </summary>
public static class RequestHeadScanner
{
    public const int MaxHeadBytes = 16 * 1024;

    private static ReadOnlySpan<byte> Method => "GET /"u8;
    private static ReadOnlySpan<byte> Version => " HTTP/1.1"u8;
    private static ReadOnlySpan<byte> LineEnd => "\r\n"u8;
    private static ReadOnlySpan<byte> HeadEnd => "\r\n\r\n"u8;

    /// <param name="headLength">For <see cref="HeadScan.Complete"/>: the head's length, its empty line included.</param>
    public static HeadScan Scan(in ReadOnlySequence<byte> buffer, out long headLength)
    {
        headLength = 0;
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> line, LineEnd))
        {
            if (!CouldStartWebSocketLine(buffer)) return HeadScan.NotWebSocket;
            return buffer.Length > MaxHeadBytes ? HeadScan.TooLarge : HeadScan.Incomplete;
        }
        if (!IsWebSocketLine(line)) return HeadScan.NotWebSocket;

        reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> _, HeadEnd))
            return buffer.Length > MaxHeadBytes ? HeadScan.TooLarge : HeadScan.Incomplete;
        headLength = reader.Consumed;
        return headLength > MaxHeadBytes ? HeadScan.TooLarge : HeadScan.Complete;
    }

    /// <summary>"GET /ws" then a space or a query; the path is matched case-insensitively, as routing did.</summary>
    private static bool CouldStartWebSocketLine(in ReadOnlySequence<byte> buffer)
    {
        Span<byte> start = stackalloc byte[Method.Length + 3];
        var length = (int)Math.Min(buffer.Length, start.Length);
        buffer.Slice(0, length).CopyTo(start);
        return MatchesStart(start[..length]);
    }

    private static bool MatchesStart(ReadOnlySpan<byte> start)
    {
        for (var i = 0; i < start.Length; i++)
        {
            var ok = i switch
            {
                < 5 => start[i] == Method[i],
                5 => (start[i] | 0x20) == 'w',
                6 => (start[i] | 0x20) == 's',
                _ => start[i] is (byte)' ' or (byte)'?',
            };
            if (!ok) return false;
        }
        return true;
    }

    private static bool IsWebSocketLine(in ReadOnlySequence<byte> line)
    {
        if (line.Length < Method.Length + 2 + Version.Length || !CouldStartWebSocketLine(line)) return false;
        Span<byte> end = stackalloc byte[Version.Length];
        line.Slice(line.Length - Version.Length).CopyTo(end);
        // "GET " target " HTTP/1.1", with no space inside the target.
        return end.SequenceEqual(Version) && line.Slice(4, line.Length - 4 - Version.Length).PositionOf((byte)' ') is null;
    }
}
