using System.Buffers.Binary;
using System.Net.Sockets;

namespace HeartRule.Hosting.Orchestration.Drivers;

/// <summary>Asks epmd for its registered names (a NAMES_REQ): it is up and it is epmd.</summary>
internal static class EpmdProbe
{
    private static readonly byte[] NamesRequest = [0, 1, 110];

    public static async Task<bool> AnswersAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, port, cancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync(NamesRequest, cancellationToken);
        var reply = new byte[4]; // epmd's own port, big-endian
        await stream.ReadExactlyAsync(reply, cancellationToken);
        return BinaryPrimitives.ReadInt32BigEndian(reply) == port;
    }
}
