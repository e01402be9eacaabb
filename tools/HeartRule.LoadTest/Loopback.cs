using System.Net;

namespace HeartRule.LoadTest;

/// <summary>
/// The tool only ever talks to this machine: every target and every source address must be in 127.0.0.0/8
/// (Linux routes the whole range to the loopback interface, which is what lets one box open more than 64k
/// client sockets: each source address has its own ephemeral ports).
/// </summary>
public static class Loopback
{
    public static bool IsLoopback(IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && address.GetAddressBytes()[0] == 127;

    public static Uri RequireLoopback(string url)
    {
        var uri = new Uri(url);
        if (!IPAddress.TryParse(uri.Host, out var ip) || !IsLoopback(ip))
            throw new ArgumentException($"{url}: the load tool only targets 127.0.0.0/8 addresses, given as numbers.");
        return uri;
    }

    /// <summary>"127.0.0.2-127.0.0.9" or "127.0.0.2,127.0.0.3": the local addresses client sockets bind to.</summary>
    public static IReadOnlyList<IPAddress> ParseSources(IEnumerable<string> items)
    {
        var result = new List<IPAddress>();
        foreach (var item in items)
        {
            var dash = item.IndexOf('-');
            if (dash < 0)
            {
                result.Add(IPAddress.Parse(item));
                continue;
            }
            var first = IPAddress.Parse(item[..dash]).GetAddressBytes();
            var last = IPAddress.Parse(item[(dash + 1)..]).GetAddressBytes();
            if (!first.AsSpan(0, 3).SequenceEqual(last.AsSpan(0, 3)) || last[3] < first[3])
                throw new ArgumentException($"Source range {item}: only the last byte may vary, upwards.");
            for (int b = first[3]; b <= last[3]; b++) result.Add(new IPAddress([first[0], first[1], first[2], (byte)b]));
        }
        if (result.Count == 0 || !result.All(IsLoopback))
            throw new ArgumentException("Source addresses must be in 127.0.0.0/8.");
        return result;
    }
}
