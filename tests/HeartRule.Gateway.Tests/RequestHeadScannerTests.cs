using System.Buffers;
using System.Text;
using HeartRule.Gateway.Connections;

namespace HeartRule.Gateway.Tests;

public class RequestHeadScannerTests
{
    private const string Head = "GET /ws HTTP/1.1\r\nHost: gw\r\nUpgrade: websocket\r\n\r\n";

    private static HeadScan Scan(string text, out long length) => RequestHeadScanner.Scan(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(text)), out length);

    private static HeadScan Scan(string text) => Scan(text, out _);

    [Fact]
    public void A_complete_head_is_found_and_what_follows_it_is_not_part_of_it()
    {
        Assert.Equal(HeadScan.Complete, Scan(Head + "\x81\x8f frame bytes", out var length));
        Assert.Equal(Head.Length, length);
    }

    [Theory]
    [InlineData("GET /ws?access_token=abc HTTP/1.1\r\nHost: gw\r\n\r\n")]
    [InlineData("GET /WS HTTP/1.1\r\nHost: gw\r\n\r\n")]
    public void A_query_string_and_the_path_s_case_do_not_matter(string head) => Assert.Equal(HeadScan.Complete, Scan(head));

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: gw\r\n\r\n")]
    [InlineData("GET /health HTTP/1.1\r\n")]
    [InlineData("GET /wsx HTTP/1.1\r\n")]
    [InlineData("GET /ws/ HTTP/1.1\r\n")]
    [InlineData("POST /ws HTTP/1.1\r\n")]
    [InlineData("GET /ws HTTP/1.0\r\nHost: gw\r\n\r\n")]
    [InlineData("GET /ws HTTP/1.1 x\r\n")]
    [InlineData("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")]
    [InlineData("\x16\x03\x01\x02\x00\x01")]
    [InlineData("GET /a")]
    [InlineData("POS")]
    public void Anything_else_is_left_to_http(string start) => Assert.Equal(HeadScan.NotWebSocket, Scan(start));

    [Theory]
    [InlineData("")]
    [InlineData("G")]
    [InlineData("GET /w")]
    [InlineData("GET /ws")]
    [InlineData("GET /ws HTTP/1.1")]
    [InlineData("GET /ws HTTP/1.1\r\nHost: gw\r\n")]
    public void Too_few_bytes_to_tell_waits_for_more(string start) => Assert.Equal(HeadScan.Incomplete, Scan(start));

    [Fact]
    public void A_head_over_the_limit_is_too_large_whether_or_not_it_has_ended()
    {
        var big = $"GET /ws HTTP/1.1\r\nHost: gw\r\nX-Padding: {new string('a', RequestHeadScanner.MaxHeadBytes)}\r\n";
        Assert.Equal(HeadScan.TooLarge, Scan(big));
        Assert.Equal(HeadScan.TooLarge, Scan(big + "\r\n"));
        Assert.Equal(HeadScan.TooLarge, Scan($"GET /ws?{new string('a', RequestHeadScanner.MaxHeadBytes)}"));
    }

    [Fact]
    public void A_head_split_over_segments_is_found()
    {
        var bytes = Encoding.ASCII.GetBytes(Head);
        var first = new Segment(bytes.AsMemory(0, 9));
        var last = first.Append(bytes.AsMemory(9, 13)).Append(bytes.AsMemory(22));
        Assert.Equal(HeadScan.Complete, RequestHeadScanner.Scan(new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length), out var length));
        Assert.Equal(Head.Length, length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
