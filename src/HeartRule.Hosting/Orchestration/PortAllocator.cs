using System.Net;
using System.Net.Sockets;

namespace HeartRule.Hosting.Orchestration;

internal static class PortAllocator
{
    /// <summary>A port nobody listens on right now (the kernel picks it; a race with others is possible but rare).</summary>
    public static int GetFreePort(ISet<int> taken)
    {
        while (true)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            if (taken.Add(port))
            {
                return port;
            }
        }
    }

    public static bool IsFree(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            // Like the servers themselves: connections of a previous run in TIME_WAIT do not count.
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
