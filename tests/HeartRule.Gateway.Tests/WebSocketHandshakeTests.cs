using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using HeartRule.Gateway.Connections;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HeartRule.Gateway.Tests;

/// <summary>
/// The middleware on a connection of in-memory pipes, for what needs no token: what it passes on to HTTP, and
/// what it refuses before looking at one.
/// </summary>
public class WebSocketHandshakeTests
{
    private sealed class Connection
    {
        public SocketPair Pair { get; } = new();
        public DefaultConnectionContext Context { get; }
        public TaskCompletionSource<string> PassedOn { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Connection() => Context = new DefaultConnectionContext("test", Pair.ServerTransport, Pair.ClientTransport);

        /// <summary>Plays HTTP: one read, which must return at once with everything the client sent so far.</summary>
        public async Task HttpAsync(ConnectionContext context)
        {
            var read = context.Transport.Input.ReadAsync().AsTask();
            var completed = await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(2))) == read;
            PassedOn.SetResult(completed ? Encoding.Latin1.GetString((await read).Buffer.ToArray()) : "<HTTP's first read waited>");
        }

        public Task SendAsync(string text) => Pair.ToServer.Writer.WriteAsync(Encoding.Latin1.GetBytes(text)).AsTask();

        public async Task<string> ResponseAsync()
        {
            var text = new StringBuilder();
            while (true)
            {
                var result = await Pair.ToClient.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
                text.Append(Encoding.ASCII.GetString(result.Buffer.ToArray()));
                Pair.ToClient.Reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || text.ToString().Contains("}", StringComparison.Ordinal)) return text.ToString();
            }
        }
    }

    private static WebSocketHandshake Middleware(Connection connection, TimeSpan? handshakeTimeout = null, GatewayMetrics? metrics = null) =>
        // Nothing here gets as far as the origin, the token, the limits or a socket.
        new(connection.HttpAsync, new GatewayOptions { HandshakeTimeout = handshakeTimeout ?? TimeSpan.FromSeconds(10) },
            new HandshakeJudge(null!, null!, null!, new GatewayOptions(), null!, NullLogger<HandshakeJudge>.Instance),
            null!, null!, Options.Create(new KestrelServerOptions()), metrics ?? TestMetrics.Unobserved(),
            NullLogger<WebSocketHandshake>.Instance);

    [Theory]
    [InlineData("GET /health HTTP/1.1\r\nHost: gw\r\n\r\n")]
    [InlineData("\x16\x03\x01\x02\x00\x01\xfc\x03\x03")]
    [InlineData("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")]
    public async Task Other_connections_go_to_http_with_every_byte(string start)
    {
        var connection = new Connection();
        await connection.SendAsync(start);
        await Middleware(connection).OnConnectionAsync(connection.Context).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(start, await connection.PassedOn.Task);
    }

    [Fact]
    public async Task A_connection_told_apart_only_after_several_reads_still_goes_to_http_with_every_byte_at_once()
    {
        var connection = new Connection();
        var run = Middleware(connection).OnConnectionAsync(connection.Context);
        await connection.SendAsync("GE");
        await Task.Delay(50);
        await connection.SendAsync("T /w");
        await Task.Delay(50);
        Assert.False(run.IsCompleted);
        await connection.SendAsync("sx HTTP/1.1\r\nHost: gw\r\n\r\n");
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("GET /wsx HTTP/1.1\r\nHost: gw\r\n\r\n", await connection.PassedOn.Task);
    }

    /// <summary>Sends a head, reads the answer and leaves; by then the middleware must be done, without HTTP.</summary>
    internal static async Task<string> RefusalAsync(string head, GatewayMetrics? metrics = null)
    {
        var connection = new Connection();
        var run = Middleware(connection, metrics: metrics).OnConnectionAsync(connection.Context);
        await connection.SendAsync(head);
        var response = await connection.ResponseAsync();
        await connection.Pair.ToServer.Writer.CompleteAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(connection.PassedOn.Task.IsCompleted);
        return response;
    }

    public static TheoryData<string, string, string[]> Refusals => new()
    {
        {
            $"GET /ws HTTP/1.1\r\nHost: gw\r\nX-Padding: {new string('a', 20 * 1024)}\r\n\r\n",
            "HTTP/1.1 431 Request Header Fields Too Large", ["\r\nConnection: close\r\n", "\"code\":\"PAYLOAD_TOO_LARGE\""]
        },
        {
            "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\n", // no Host
            "HTTP/1.1 400 Bad Request", ["\r\nConnection: close\r\n", "\"code\":\"VALIDATION_FAILED\""]
        },
        {
            "GET /ws HTTP/1.1\r\nHost: gw\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 8\r\n\r\n",
            "HTTP/1.1 426 Upgrade Required", ["\r\nSec-WebSocket-Version: 13\r\n", "\r\nUpgrade: websocket\r\n"]
        },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Heads_refused_before_the_token_is_looked_at_get_their_status_and_a_problem_document(string head, string statusLine, string[] expected)
    {
        var response = await RefusalAsync(head);
        Assert.StartsWith(statusLine + "\r\n", response);
        var body = response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        Assert.Contains($"\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n", response);
        Assert.Contains("\r\nContent-Type: application/problem+json\r\n", response);
        Assert.Contains("\"instance\":\"/ws\"", body);
        foreach (var fragment in expected) Assert.Contains(fragment, response);
    }

    [Fact]
    public async Task A_head_that_stops_coming_is_cut_off_at_the_handshake_timeout()
    {
        var connection = new Connection();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var run = Middleware(connection, TimeSpan.FromMilliseconds(300)).OnConnectionAsync(connection.Context);
        await connection.SendAsync("GET /ws HTTP/1.1\r\nHost: gw\r\n");
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
        Assert.False(connection.PassedOn.Task.IsCompleted);
        Assert.False(connection.Pair.ToClient.Reader.TryRead(out _)); // closed without an answer
    }
}
