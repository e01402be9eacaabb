using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace HeartRule.Hosting.Orchestration.Drivers;

/// <summary>
/// Logs in over AMQP 0-9-1 as far as the broker's Connection.Tune: the listener is up, it is RabbitMQ
/// speaking, and the credentials of the connection string are accepted (a broker initialised with another
/// password would otherwise look healthy while every service fails).
/// </summary>
internal static class AmqpProbe
{
    private const byte MethodFrame = 1;
    private const byte FrameEnd = 0xCE;
    private static readonly byte[] ProtocolHeader = "AMQP\0\0\u0009\u0001"u8.ToArray();

    public static async Task<bool> LoginAsync(Uri uri, CancellationToken cancellationToken)
    {
        var credentials = uri.UserInfo.Split(':', 2);
        var user = Uri.UnescapeDataString(credentials[0]);
        var password = credentials.Length > 1 ? Uri.UnescapeDataString(credentials[1]) : "";

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        using var client = new TcpClient();
        await client.ConnectAsync(uri.Host, uri.Port > 0 ? uri.Port : 5672, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(ProtocolHeader, timeout.Token);

        var (classId, methodId) = await ReadMethodAsync(stream, timeout.Token);
        if ((classId, methodId) != (10, 10))
        {
            throw new InvalidOperationException($"expected Connection.Start, got method {classId}.{methodId}");
        }

        await stream.WriteAsync(StartOk(user, password), timeout.Token);
        try
        {
            (classId, methodId) = await ReadMethodAsync(stream, timeout.Token);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidOperationException($"RabbitMQ refused the login of '{user}' (ACCESS_REFUSED)");
        }
        return (classId, methodId) switch
        {
            (10, 30) => true, // Connection.Tune: logged in
            (10, 50) => throw new InvalidOperationException($"RabbitMQ refused the login of '{user}'"),
            _ => throw new InvalidOperationException($"unexpected method {classId}.{methodId} after login"),
        };
    }

    private static async Task<(int ClassId, int MethodId)> ReadMethodAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var header = new byte[7];
        await stream.ReadExactlyAsync(header, cancellationToken);
        var size = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(3));
        if (header[0] != MethodFrame || size < 4 || size > 1 << 20)
        {
            throw new InvalidOperationException("not an AMQP 0-9-1 method frame");
        }
        var payload = new byte[size + 1];
        await stream.ReadExactlyAsync(payload, cancellationToken);
        return (BinaryPrimitives.ReadUInt16BigEndian(payload), BinaryPrimitives.ReadUInt16BigEndian(payload.AsSpan(2)));
    }

    /// <summary>Connection.Start-Ok: no client properties, PLAIN mechanism, locale en_US.</summary>
    private static byte[] StartOk(string user, string password)
    {
        var response = Encoding.UTF8.GetBytes($"\0{user}\0{password}");
        var payload = new List<byte>();
        payload.AddRange([0, 10, 0, 11]);   // class connection, method start-ok
        payload.AddRange([0, 0, 0, 0]);     // client-properties: empty table
        payload.AddRange(ShortString("PLAIN"));
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, response.Length);
        payload.AddRange(length);
        payload.AddRange(response);
        payload.AddRange(ShortString("en_US"));

        var frame = new byte[7 + payload.Count + 1];
        frame[0] = MethodFrame;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(3), payload.Count);
        payload.CopyTo(frame, 7);
        frame[^1] = FrameEnd;
        return frame;
    }

    private static byte[] ShortString(string value) => [(byte)value.Length, .. Encoding.ASCII.GetBytes(value)];
}
