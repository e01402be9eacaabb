using System.Net;
using System.Net.Sockets;

namespace HeartRule.LoadTest;

/// <summary>
/// An HTTP handler whose sockets bind to the given source addresses in turn, so one process can spread its
/// connections over several 127.0.0.x addresses (each with its own ~28k ephemeral ports).
/// </summary>
public static class SourceBinding
{
    // Linux: let connect() pick the port, so a source port can be reused towards another destination.
    private const int SolIp = 0;
    private const int IpBindAddressNoPort = 24;

    /// <param name="maxConnections">Per server; 1 makes every request of the invoker go over one connection, in turn.</param>
    public static HttpMessageInvoker CreateInvoker(IReadOnlyList<IPAddress> sources, int maxConnections = int.MaxValue)
    {
        var next = 0;
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            UseProxy = false,
            UseCookies = false,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            ConnectCallback = async (context, ct) =>
            {
                var endpoint = context.DnsEndPoint;
                if (!IPAddress.TryParse(endpoint.Host, out var target) || !Loopback.IsLoopback(target))
                    throw new InvalidOperationException($"Refusing to connect to {endpoint.Host}: loopback only.");
                var source = sources[(int)((uint)Interlocked.Increment(ref next) % (uint)sources.Count)];
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    if (OperatingSystem.IsLinux()) socket.SetRawSocketOption(SolIp, IpBindAddressNoPort, BitConverter.GetBytes(1));
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(new IPEndPoint(target, endpoint.Port), ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpMessageInvoker(handler);
    }
}
