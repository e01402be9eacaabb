using System.Net.Sockets;
using System.Text;

namespace HeartRule.IntegrationTests;

/// <summary>A bare TCP connection to a gateway, for what HttpClient and ClientWebSocket will not send.</summary>
public sealed class RawHttp : IAsyncDisposable
{
    private readonly TcpClient _tcp = new() { NoDelay = true };
    private NetworkStream _stream = null!;
    private readonly MemoryStream _received = new();

    public static async Task<RawHttp> ConnectAsync(Uri gateway)
    {
        var raw = new RawHttp();
        await raw._tcp.ConnectAsync(gateway.Host, gateway.Port);
        raw._stream = raw._tcp.GetStream();
        return raw;
    }

    /// <summary>A WebSocket upgrade request for /ws, ended by its empty line.</summary>
    public static string UpgradeHead(Uri gateway, string? token, string version = "13", string extraHeaders = "") =>
        $"GET /ws HTTP/1.1\r\nHost: {gateway.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        $"Sec-WebSocket-Key: {Convert.ToBase64String(Guid.NewGuid().ToByteArray())}\r\nSec-WebSocket-Version: {version}\r\n" +
        $"Sec-WebSocket-Protocol: heartrule.v1\r\n{(token is null ? "" : $"Authorization: Bearer {token}\r\n")}{extraHeaders}\r\n";

    /// <summary>The Content-Length of a response head.</summary>
    public static int ContentLength(string head) =>
        int.Parse(head.Split("\r\n").Single(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))["Content-Length:".Length..].Trim(),
            System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>After a 101: the client's side of the WebSocket on this connection.</summary>
    public System.Net.WebSockets.WebSocket AsWebSocket()
    {
        if (_received.Length > 0) throw new InvalidOperationException("Bytes after the 101 were read as HTTP.");
        return System.Net.WebSockets.WebSocket.CreateFromStream(_stream, new System.Net.WebSockets.WebSocketCreationOptions { IsServer = false, SubProtocol = "heartrule.v1" });
    }

    /// <summary>One write: whatever is in it reaches the server together.</summary>
    public Task SendAsync(byte[] bytes) => _stream.WriteAsync(bytes).AsTask();

    public Task SendAsync(string text) => SendAsync(Encoding.ASCII.GetBytes(text));

    /// <summary>The response head (status line and headers); what came after it stays for <see cref="ReadAsync"/>.</summary>
    public async Task<string> ReadHeadAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var bytes = _received.ToArray();
            var end = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                _received.SetLength(0);
                _received.Write(bytes, end + 4, bytes.Length - end - 4);
                return Encoding.ASCII.GetString(bytes, 0, end);
            }
            if (!await ReceiveAsync(cts.Token)) throw new EndOfStreamException("The connection ended before a response head.");
        }
    }

    /// <summary>Exactly <paramref name="count"/> more bytes.</summary>
    public async Task<byte[]> ReadAsync(int count, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (_received.Length < count)
        {
            if (!await ReceiveAsync(cts.Token)) throw new EndOfStreamException($"The connection ended before {count} bytes.");
        }
        var bytes = _received.ToArray();
        _received.SetLength(0);
        _received.Write(bytes, count, bytes.Length - count);
        return bytes[..count];
    }

    /// <summary>Waits until the server ends the connection, dropping what it sends; false if it is still open at the timeout.</summary>
    public async Task<bool> WaitForEndAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (await ReceiveAsync(cts.Token)) { }
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true; // reset
        }
    }

    private async Task<bool> ReceiveAsync(CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        var read = await _stream.ReadAsync(buffer, ct);
        _received.Write(buffer, 0, read);
        return read > 0;
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
